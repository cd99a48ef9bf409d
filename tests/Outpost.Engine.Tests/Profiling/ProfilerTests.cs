using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Profiling;

public sealed class ProfilerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static async Task<List<BsonDocument>> Find(Collection c, FindOptions options, OperationContext? context = null)
    {
        await using var cursor = await c.FindAsync(options, context, Ct);
        return await cursor.ToListAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Level_2_records_queries_and_writes_with_mongodb_fields_for_analyzeSlowQueries(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var photos = t.Db.GetCollection("photos");
        await photos.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"departmentId": 1}}"""))], null, Ct);
        await photos.InsertAsync([J("""{"_id": 1, "departmentId": "d1"}"""), J("""{"_id": 2, "departmentId": "d2"}""")], cancellationToken: Ct);

        var reply = await t.Db.ProfileAsync(J("""{"profile": 2, "slowms": 100}"""), Ct);
        Assert.Equal(0L, reply["was"].ToInt64());
        Assert.Equal(100L, reply["slowms"].ToInt64());
        Assert.Equal(1.0, reply["sampleRate"].ToDouble());

        await Find(photos, new FindOptions { Filter = J("""{"departmentId": "d1"}""") }, new OperationContext { AppName = "photo-app", Client = "10.0.0.7" });
        await Find(photos, new FindOptions { Filter = J("""{"other": 1}""") });
        await photos.InsertAsync([J("""{"_id": 3}""")], cancellationToken: Ct);
        await photos.UpdateAsync([new UpdateStatement { Filter = J("""{"_id": 3}"""), Update = J("""{"$set": {"x": 1}}""") }], cancellationToken: Ct);
        await photos.DeleteAsync([new DeleteStatement { Filter = J("""{"_id": 3}"""), Limit = 1 }], cancellationToken: Ct);

        // The seed's analyzeSlowQueries: system.profile.find({}).sort({ts: -1}).limit(100).
        var profile = t.Db.GetCollection("system.profile");
        var entries = await Find(profile, new FindOptions { Sort = J("""{"ts": -1}"""), Limit = 100 });
        var ops = entries.Select(e => e["op"].AsString).ToList();
        Assert.Equal(new[] { "insert", "query", "query", "remove", "update" }, ops.Order(StringComparer.Ordinal).ToArray());
        for (var i = 1; i < entries.Count; i++) Assert.True(((BsonDateTime)entries[i - 1]["ts"]).MillisecondsSinceEpoch >= ((BsonDateTime)entries[i]["ts"]).MillisecondsSinceEpoch);

        var indexed = entries.Single(e => e["op"].AsString == "query" && e["command"].AsDocument["filter"].AsDocument.Contains("departmentId"));
        Assert.Equal("test.photos", indexed["ns"].AsString);
        Assert.Equal("photos", indexed["command"].AsDocument["find"].AsString);
        Assert.Equal("IXSCAN { departmentId: 1 }", indexed["planSummary"].AsString);
        Assert.Equal(1L, indexed["keysExamined"].ToInt64());
        Assert.Equal(1L, indexed["docsExamined"].ToInt64());
        Assert.Equal(1L, indexed["nreturned"].ToInt64());
        Assert.IsType<BsonDateTime>(indexed["ts"]);
        Assert.True(indexed["millis"].ToInt64() >= 0);
        Assert.Equal("photo-app", indexed["appName"].AsString);
        Assert.Equal("10.0.0.7", indexed["client"].AsString);
        var scan = entries.Single(e => e["op"].AsString == "query" && e["command"].AsDocument["filter"].AsDocument.Contains("other"));
        Assert.Equal("COLLSCAN", scan["planSummary"].AsString);
        Assert.Equal(2L, scan["docsExamined"].ToInt64());
        Assert.Equal(1L, entries.Single(e => e["op"].AsString == "insert")["ninserted"].ToInt64());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Level_1_records_only_slow_operations_and_level_0_nothing(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var c = t.Db.GetCollection("c");
        await c.InsertAsync([J("""{"_id": 1}""")], cancellationToken: Ct);
        await t.Db.ProfileAsync(J("""{"profile": 1, "slowms": 60000}"""), Ct);
        await Find(c, new FindOptions());
        var reply = await t.Db.ProfileAsync(J("""{"profile": 1, "slowms": -1}"""), Ct);
        Assert.Equal(1L, reply["was"].ToInt64());
        Assert.Equal(60000L, reply["slowms"].ToInt64());
        await Find(c, new FindOptions { Filter = J("""{"_id": 1}""") });
        await t.Db.ProfileAsync(J("""{"profile": 0}"""), Ct);
        await Find(c, new FindOptions());

        var entries = await Find(t.Db.GetCollection("system.profile"), new FindOptions());
        var entry = Assert.Single(entries);
        Assert.Equal("IDHACK", entry["planSummary"].AsString);
        Assert.Equal(0, t.Db.ProfilingSettings.Level);

        var bad = await Assert.ThrowsAsync<MongoException>(() => t.Db.ProfileAsync(J("""{"profile": 5}"""), Ct));
        Assert.Equal(2, bad.Code);
        var rate = await Assert.ThrowsAsync<MongoException>(() => t.Db.ProfileAsync(J("""{"profile": 1, "sampleRate": 2}"""), Ct));
        Assert.Equal(2, rate.Code);
    }
}
