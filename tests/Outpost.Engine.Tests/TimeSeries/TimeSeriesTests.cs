using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.TimeSeries;

public sealed class TimeSeriesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Create_lists_as_timeseries_validates_timeField_and_expires(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        await t.Db.CreateCollectionAsync("weather", CreateCollectionOptions.FromCommand(J("""{"create": "weather", "timeseries": {"timeField": "ts", "metaField": "sensor"}, "expireAfterSeconds": 3600}""")), null, Ct);
        var info = Assert.Single(await t.Db.ListCollectionsAsync(null, false, null, Ct));
        Assert.Equal("timeseries", info["type"].AsString);
        Assert.Equal(J("""{"timeField": "ts", "metaField": "sensor", "granularity": "seconds", "bucketMaxSpanSeconds": 3600}"""), info["options"].AsDocument["timeseries"]);
        Assert.Equal(3600L, info["options"].AsDocument["expireAfterSeconds"].ToInt64());

        var c = t.Db.GetCollection("weather");
        var old = new BsonDateTime(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeMilliseconds());
        var now = new BsonDateTime(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var result = await c.InsertAsync([
            new BsonDocument { { "ts", old }, { "sensor", 1 }, { "temp", 12 } },
            new BsonDocument { { "ts", now }, { "sensor", 1 }, { "temp", 13 } },
            new BsonDocument { { "ts", "yesterday" }, { "sensor", 2 } },
            new BsonDocument { { "sensor", 3 } },
        ], new InsertOptions { Ordered = false }, null, Ct);
        Assert.Equal(2, result.N);
        Assert.Equal(new[] { 2, 3 }, result.WriteErrors.Select(e => e.Index).ToArray());
        Assert.All(result.WriteErrors, e => Assert.Equal(2, e.Code));

        Assert.Equal(1, await t.Engine.RunTtlPassAsync(Ct));
        await using var cursor = await c.FindAsync(null, null, Ct);
        Assert.Equal(13, Assert.Single(await cursor.ToListAsync(Ct))["temp"].AsInt32);
    }

    [Theory]
    [InlineData("""{"create": "x", "timeseries": {"metaField": "m"}}""", 40414)]
    [InlineData("""{"create": "x", "timeseries": {"timeField": "t", "metaField": "t"}}""", 2)]
    [InlineData("""{"create": "x", "timeseries": {"timeField": "t", "granularity": "days"}}""", 2)]
    [InlineData("""{"create": "x", "expireAfterSeconds": 10}""", 72)]
    public async Task Invalid_options_fail_as_mongodb(string command, int code)
    {
        await using var t = await TestEngine.StartAsync("sqlite", new EngineOptions { TtlMonitorInterval = null });
        var ex = await Assert.ThrowsAsync<MongoException>(() => t.Db.CreateCollectionAsync("x", CreateCollectionOptions.FromCommand(J(command)), null, Ct));
        Assert.Equal(code, ex.Code);
    }
}
