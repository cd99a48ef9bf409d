using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class CappedAndViewTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Capped_collection_keeps_insertion_order_and_evicts_oldest_by_max_and_size(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("log", new CreateCollectionOptions { Capped = true, Size = 100_000, Max = 3 }, cancellationToken: Ct);
        var log = t.Db.GetCollection("log");
        foreach (var id in new[] { 5, 1, 4, 2, 3 }) await log.InsertAsync([Doc(("_id", id))], cancellationToken: Ct);
        Assert.Equal([4, 2, 3], (await log.FindAllAsync()).Select(d => d["_id"].AsInt32));
        await using (var reverse = await log.FindAsync(new FindOptions { Hint = Doc(("$natural", -1)) }, cancellationToken: Ct))
            Assert.Equal([3, 2, 4], (await reverse.ToListAsync(Ct)).Select(d => d["_id"].AsInt32));

        await t.Db.CreateCollectionAsync("small", new CreateCollectionOptions { Capped = true, Size = 300 }, cancellationToken: Ct);
        var small = t.Db.GetCollection("small");
        await small.InsertAsync(Enumerable.Range(0, 20).Select(i => Doc(("_id", i), ("pad", new string('x', 40)))).ToList(), cancellationToken: Ct);
        var kept = (await small.FindAllAsync()).Select(d => d["_id"].AsInt32).ToList();
        Assert.InRange(kept.Count, 2, 6);
        Assert.Equal(Enumerable.Range(20 - kept.Count, kept.Count), kept);
        var stats = await small.StatsAsync(cancellationToken: Ct);
        Assert.True(stats["capped"].AsBoolean);
        Assert.True(stats["size"].ToInt64() <= 300);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Tailable_await_cursor_returns_new_inserts_and_stays_open(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("events", new CreateCollectionOptions { Capped = true, Size = 1_000_000 }, cancellationToken: Ct);
        var events = t.Db.GetCollection("events");
        await events.InsertAsync([Doc(("_id", 1), ("k", "a")), Doc(("_id", 2), ("k", "b"))], cancellationToken: Ct);
        await using var cursor = await events.FindAsync(new FindOptions { Filter = Doc(("k", Doc(("$ne", "skip")))), Tailable = true, AwaitData = true }, cancellationToken: Ct);
        Assert.Equal(2, (await cursor.NextBatchAsync(10, TimeSpan.FromMilliseconds(10), cancellationToken: Ct)).Count);
        Assert.Empty(await cursor.NextBatchAsync(10, TimeSpan.FromMilliseconds(50), cancellationToken: Ct));
        Assert.False(cursor.IsExhausted);

        var waiting = cursor.NextBatchAsync(10, TimeSpan.FromSeconds(20), cancellationToken: Ct).AsTask();
        await Task.Delay(100, Ct);
        Assert.False(waiting.IsCompleted);
        await events.InsertAsync([Doc(("_id", 3), ("k", "skip")), Doc(("_id", 4), ("k", "c"))], cancellationToken: Ct);
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(4, Assert.Single(batch)["_id"].AsInt32);

        var plain = t.Db.GetCollection("plain");
        await plain.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
        await Assert.ThrowsAsync<MongoException>(() => plain.FindAsync(new FindOptions { Tailable = true }, cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Views_run_their_pipeline_refuse_writes_and_aggregate_uses_lookup_and_out(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var photos = t.Db.GetCollection("photos");
        var stations = t.Db.GetCollection("stations");
        await stations.InsertAsync([Doc(("_id", "s1"), ("name", "Press")), Doc(("_id", "s2"), ("name", "Weld"))], cancellationToken: Ct);
        await photos.InsertAsync(Enumerable.Range(0, 10).Select(i => Doc(("_id", i), ("station", i % 2 == 0 ? "s1" : "s2"), ("ok", i % 3 != 0))).ToList(), cancellationToken: Ct);
        await t.Db.CreateCollectionAsync("okPhotos", new CreateCollectionOptions { ViewOn = "photos", Pipeline = Arr(Doc(("$match", Doc(("ok", true))))) }, cancellationToken: Ct);

        var view = t.Db.GetCollection("okPhotos");
        Assert.Equal(6, (await view.FindAllAsync()).Count);
        Assert.Equal(3, await view.CountAsync(new CountOptions { Filter = Doc(("station", "s1")) }, cancellationToken: Ct));
        var write = await Assert.ThrowsAsync<MongoException>(() => view.InsertAsync([Doc(("_id", 99))], cancellationToken: Ct));
        Assert.Equal(166, write.Code);
        var listed = (await t.Db.ListCollectionsAsync(Doc(("name", "okPhotos")), cancellationToken: Ct)).Single();
        Assert.Equal("view", listed["type"].AsString);

        await using (var cursor = await photos.AggregateAsync(Arr(
            Doc(("$match", Doc(("ok", true)))),
            Doc(("$group", Doc(("_id", "$station"), ("n", Doc(("$sum", 1)))))),
            Doc(("$lookup", Doc(("from", "stations"), ("localField", "_id"), ("foreignField", "_id"), ("as", "st")))),
            Doc(("$sort", Doc(("_id", 1)))),
            Doc(("$project", Doc(("n", 1), ("name", Doc(("$first", "$st.name"))))))), cancellationToken: Ct))
        {
            var rows = await cursor.ToListAsync(Ct);
            Assert.Equal([Doc(("_id", "s1"), ("n", 3), ("name", "Press")), Doc(("_id", "s2"), ("n", 3), ("name", "Weld"))], rows);
        }

        await using (var outCursor = await photos.AggregateAsync(Arr(Doc(("$match", Doc(("station", "s2")))), Doc(("$out", "s2photos"))), cancellationToken: Ct))
            Assert.Empty(await outCursor.ToListAsync(Ct));
        Assert.Equal(5, (await t.Db.GetCollection("s2photos").FindAllAsync()).Count);

        await using (var merge = await stations.AggregateAsync(Arr(Doc(("$project", Doc(("label", "$name")))), Doc(("$merge", Doc(("into", "s2photos"))))), cancellationToken: Ct))
            Assert.Empty(await merge.ToListAsync(Ct));
        Assert.Equal(7, (await t.Db.GetCollection("s2photos").FindAllAsync()).Count);
    }
}
