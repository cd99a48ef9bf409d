using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class ChangeStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<BsonDocument>> DrainAsync(ChangeStreamCursor cursor, int expected)
    {
        var events = new List<BsonDocument>();
        for (var i = 0; i < 20 && events.Count < expected && !cursor.IsExhausted; i++)
            events.AddRange(await cursor.NextBatchAsync(100, TimeSpan.FromMilliseconds(500), cancellationToken: Ct));
        return events;
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Collection_stream_reports_insert_update_replace_delete_with_MongoDB_shapes(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 0))], cancellationToken: Ct);
        await using var stream = await coll.WatchAsync(null, new ChangeStreamOptions { FullDocument = "updateLookup" }, cancellationToken: Ct);
        Assert.Empty(await stream.NextBatchAsync(10, TimeSpan.FromMilliseconds(50), cancellationToken: Ct));

        await coll.InsertAsync([Doc(("_id", 1), ("a", 1), ("b", Doc(("c", 1))), ("arr", Arr(1, 2, 3)))], cancellationToken: Ct);
        await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$set", Doc(("b.c", 2))), ("$unset", Doc(("a", ""))), ("$pop", Doc(("arr", 1)))) }], cancellationToken: Ct);
        await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("x", 1)) }], cancellationToken: Ct);
        await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("_id", 1)) }], cancellationToken: Ct);
        await t.Db.GetCollection("other").InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);

        var events = await DrainAsync(stream, 4);
        Assert.Equal(["insert", "update", "replace", "delete"], events.Select(e => e["operationType"].AsString));
        Assert.Equal(Doc(("db", "test"), ("coll", "c")), events[0]["ns"]);
        Assert.Equal(Doc(("_id", 1)), events[0]["documentKey"]);
        Assert.Equal(1, events[0]["fullDocument"].At("a").AsInt32);
        var description = events[1]["updateDescription"].AsDocument;
        Assert.Equal(Doc(("b.c", 2)), description["updatedFields"]);
        Assert.Equal(Arr("a"), description["removedFields"]);
        Assert.Equal(Arr(Doc(("field", "arr"), ("newSize", 2))), description["truncatedArrays"]);
        Assert.True(events[1].Contains("fullDocument")); // updateLookup (the document is deleted by now: null)
        Assert.Equal(Doc(("_id", 1), ("x", 1)), events[2]["fullDocument"]);
        Assert.False(events[3].Contains("fullDocument"));
        Assert.IsType<BsonTimestamp>(events[0]["clusterTime"]);
        Assert.True(events[0]["clusterTime"].AsTimestamp.Value < events[3]["clusterTime"].AsTimestamp.Value);
        Assert.True(stream.PostBatchResumeToken["_data"].AsString.CompareTo(events[3]["_id"].At("_data").AsString) >= 0);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Resume_after_restart_from_stored_token_misses_and_repeats_nothing(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("photos");
        var tokens = t.Db.GetCollection("resume_tokens");
        await using (var stream = await coll.WatchAsync(cancellationToken: Ct))
        {
            await coll.InsertAsync([Doc(("_id", 1)), Doc(("_id", 2))], cancellationToken: Ct);
            var first = await DrainAsync(stream, 2);
            Assert.Equal(2, first.Count);

            // The seed's MongoChangeStreamManager pattern: persist the token of the last processed event.
            await tokens.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", "photos")), Update = Doc(("$set", Doc(("token", first[0]["_id"])))), Upsert = true }], cancellationToken: Ct);
        }

        await coll.InsertAsync([Doc(("_id", 3))], cancellationToken: Ct);
        await t.RestartAsync();
        coll = t.Db.GetCollection("photos");
        tokens = t.Db.GetCollection("resume_tokens");
        await coll.InsertAsync([Doc(("_id", 4))], cancellationToken: Ct);

        var stored = Assert.Single(await tokens.FindAllAsync())["token"].AsDocument;
        await using var resumed = await coll.WatchAsync(null, new ChangeStreamOptions { ResumeAfter = stored }, cancellationToken: Ct);
        var events = await DrainAsync(resumed, 3);
        Assert.Equal([2, 3, 4], events.Select(e => e["documentKey"].At("_id").AsInt32));
        Assert.Empty(await resumed.NextBatchAsync(10, TimeSpan.FromMilliseconds(50), cancellationToken: Ct));

        var byTime = await coll.WatchAsync(null, new ChangeStreamOptions { StartAtOperationTime = events[1]["clusterTime"].AsTimestamp }, cancellationToken: Ct);
        Assert.Equal([3, 4], (await DrainAsync(byTime, 2)).Select(e => e["documentKey"].At("_id").AsInt32));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Drop_and_rename_invalidate_a_collection_stream_and_match_filters_events(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 0))], cancellationToken: Ct);
        await using var stream = await coll.WatchAsync(Arr(Doc(("$match", Doc(("operationType", Doc(("$in", Arr("insert", "drop", "invalidate")))))))), null, cancellationToken: Ct);
        await using var dbStream = await t.Db.WatchAsync(cancellationToken: Ct);
        await coll.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
        await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("_id", 1)) }], cancellationToken: Ct);
        await t.Db.DropCollectionAsync("c", cancellationToken: Ct);

        var events = await DrainAsync(stream, 3);
        Assert.Equal(["insert", "drop", "invalidate"], events.Select(e => e["operationType"].AsString));
        Assert.True(stream.IsExhausted);

        var invalidateToken = events[2]["_id"].AsDocument;
        await Assert.ThrowsAsync<MongoException>(() => coll.WatchAsync(null, new ChangeStreamOptions { ResumeAfter = invalidateToken }, cancellationToken: Ct));
        await using var after = await coll.WatchAsync(null, new ChangeStreamOptions { StartAfter = invalidateToken }, cancellationToken: Ct);
        await coll.InsertAsync([Doc(("_id", 5))], cancellationToken: Ct);
        Assert.Equal("insert", Assert.Single(await DrainAsync(after, 1))["operationType"].AsString);

        var dbEvents = await DrainAsync(dbStream, 4);
        Assert.Equal(["insert", "delete", "drop", "insert"], dbEvents.Select(e => e["operationType"].AsString));
        Assert.False(dbStream.IsExhausted);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Awaiting_stream_wakes_on_new_write_and_trimmed_history_fails_with_286(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { ChangeLogMaxEntries = 2 });
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 0))], cancellationToken: Ct);
        await using var stream = await coll.WatchAsync(cancellationToken: Ct);
        var waiting = stream.NextBatchAsync(10, TimeSpan.FromSeconds(20), cancellationToken: Ct).AsTask();
        await Task.Delay(100, Ct);
        Assert.False(waiting.IsCompleted);
        await coll.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
        var batch = await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, Assert.Single(batch)["documentKey"].At("_id").AsInt32);
        var oldToken = batch[0]["_id"].AsDocument;

        await coll.InsertAsync(Enumerable.Range(2, 10).Select(i => Doc(("_id", i))).ToList(), cancellationToken: Ct);
        Assert.True(await t.Engine.TrimChangeLogAsync(Ct) > 0);
        var lost = await Assert.ThrowsAsync<MongoException>(() => coll.WatchAsync(null, new ChangeStreamOptions { ResumeAfter = oldToken }, cancellationToken: Ct));
        Assert.Equal(286, lost.Code);
        var bad = await Assert.ThrowsAsync<MongoException>(() => coll.WatchAsync(null, new ChangeStreamOptions { ResumeAfter = Doc(("_data", "zz")) }, cancellationToken: Ct));
        Assert.Equal(260, bad.Code);
    }
}
