using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Ttl;

public sealed class TtlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static BsonDateTime Ago(TimeSpan age) => new(DateTimeOffset.UtcNow.Add(-age).ToUnixTimeMilliseconds());

    private static async Task<List<BsonDocument>> All(Collection c)
    {
        await using var cursor = await c.FindAsync(new FindOptions { Sort = J("""{"_id": 1}""") }, null, Ct);
        return await cursor.ToListAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Pass_deletes_expired_dates_and_arrays_by_earliest_and_logs_the_deletes(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var c = t.Db.GetCollection("sessions");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"createdAt": 1}, "expireAfterSeconds": 3600}"""))], null, Ct);
        await c.InsertAsync([
            new BsonDocument { { "_id", 1 }, { "createdAt", Ago(TimeSpan.FromHours(2)) } },
            new BsonDocument { { "_id", 2 }, { "createdAt", Ago(TimeSpan.FromMinutes(5)) } },
            new BsonDocument { { "_id", 3 }, { "createdAt", new BsonArray { Ago(TimeSpan.FromMinutes(1)), Ago(TimeSpan.FromDays(1)) } } },
            new BsonDocument { { "_id", 4 }, { "createdAt", "2000-01-01" } },
            new BsonDocument { { "_id", 5 } },
        ], cancellationToken: Ct);
        await using var stream = await c.WatchAsync(null, null, null, Ct);

        Assert.Equal(2, await t.Engine.RunTtlPassAsync(Ct));
        Assert.Equal(new[] { 2, 4, 5 }, (await All(c)).Select(d => d["_id"].AsInt32).ToArray());

        var events = new List<BsonDocument>();
        for (var i = 0; i < 20 && events.Count < 2; i++) events.AddRange(await stream.NextBatchAsync(10, TimeSpan.FromMilliseconds(200), cancellationToken: Ct));
        Assert.Equal(new[] { "delete", "delete" }, events.Select(e => e["operationType"].AsString).ToArray());
        Assert.Equal(new[] { 1, 3 }, events.Select(e => e["documentKey"].AsDocument["_id"].AsInt32).Order().ToArray());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task CollMod_changes_expireAfterSeconds(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var c = t.Db.GetCollection("events");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"at": 1}, "expireAfterSeconds": 86400}"""))], null, Ct);
        await c.InsertAsync([new BsonDocument { { "_id", 1 }, { "at", Ago(TimeSpan.FromHours(2)) } }], cancellationToken: Ct);
        Assert.Equal(0, await t.Engine.RunTtlPassAsync(Ct));

        var reply = await t.Db.CollModAsync("events", J("""{"collMod": "events", "index": {"keyPattern": {"at": 1}, "expireAfterSeconds": 60}}"""), null, Ct);
        Assert.Equal(86400L, reply["expireAfterSeconds_old"].ToInt64());
        Assert.Equal(60L, reply["expireAfterSeconds_new"].ToInt64());
        Assert.Equal(1, await t.Engine.RunTtlPassAsync(Ct));
        Assert.Empty(await All(c));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Background_sweeper_runs_on_its_interval_and_bad_specs_fail_67(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = TimeSpan.FromMilliseconds(100) });
        var c = t.Db.GetCollection("tmp");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"at": 1}, "expireAfterSeconds": 0}"""))], null, Ct);
        await c.InsertAsync([new BsonDocument { { "_id", 1 }, { "at", Ago(TimeSpan.FromSeconds(1)) } }, new BsonDocument { { "_id", 2 }, { "at", "never" } }], cancellationToken: Ct);
        for (var i = 0; i < 100 && (await All(c)).Count > 1; i++) await Task.Delay(50, Ct);
        Assert.Equal(new[] { 2 }, (await All(c)).Select(d => d["_id"].AsInt32).ToArray());

        var compound = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"a": 1, "b": 1}, "expireAfterSeconds": 10}"""))], null, Ct));
        Assert.Equal(67, compound.Code);
        var negative = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"b": 1}, "expireAfterSeconds": -1}"""))], null, Ct));
        Assert.Equal(67, negative.Code);
    }
}
