using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Geo;

public sealed class GeoIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static async Task<Collection> Places(TestEngine t)
    {
        var c = t.Db.GetCollection("places");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"location": "2dsphere"}}"""))], null, Ct);
        await c.InsertAsync([
            J("""{"_id": "central-park", "category": "park", "location": {"type": "Point", "coordinates": [-73.97, 40.77]}}"""),
            J("""{"_id": "sara-roosevelt", "category": "park", "location": {"type": "Point", "coordinates": [-73.9928, 40.7193]}}"""),
            J("""{"_id": "polo-grounds", "category": "stadium", "location": {"type": "Point", "coordinates": [-73.9375, 40.8303]}}"""),
            J("""{"_id": "paris", "category": "city", "location": [2.35, 48.85]}"""),
            J("""{"_id": "nowhere", "category": "none"}"""),
        ], cancellationToken: Ct);
        return c;
    }

    private static async Task<List<BsonDocument>> Find(Collection c, string filter, long limit = 0)
    {
        await using var cursor = await c.FindAsync(new FindOptions { Filter = J(filter), Limit = limit }, null, Ct);
        return await cursor.ToListAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Near_sorts_by_distance_with_min_and_max(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Places(t);
        var near = """{"location": {"$near": {"$geometry": {"type": "Point", "coordinates": [-73.9667, 40.78]}, "$minDistance": 2000, "$maxDistance": 10000}}}""";
        Assert.Equal(new[] { "polo-grounds", "sara-roosevelt" }, (await Find(c, near)).Select(d => d["_id"].AsString).ToArray());
        var explain = await c.ExplainFindAsync(new FindOptions { Filter = J(near) }, ExplainVerbosity.QueryPlanner, null, Ct);
        Assert.Equal("GEO_NEAR_2DSPHERE", explain["queryPlanner"].AsDocument["winningPlan"].AsDocument["stage"].AsString);

        // No bounds: everything with a location, nearest first (Paris last); a limit stops early.
        var all = await Find(c, """{"location": {"$nearSphere": {"$geometry": {"type": "Point", "coordinates": [-73.9667, 40.78]}}}}""");
        Assert.Equal(new[] { "central-park", "polo-grounds", "sara-roosevelt", "paris" }, all.Select(d => d["_id"].AsString).ToArray());
        Assert.Single(await Find(c, """{"location": {"$nearSphere": {"$geometry": {"type": "Point", "coordinates": [2, 48]}}}}""", limit: 1), d => d["_id"].AsString == "paris");
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task GeoWithin_uses_the_index_and_filters_exactly(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Places(t);
        var filter = """{"location": {"$geoWithin": {"$geometry": {"type": "Polygon", "coordinates": [[[-74.0, 40.7], [-73.95, 40.7], [-73.95, 40.8], [-74.0, 40.8], [-74.0, 40.7]]]}}}}""";
        Assert.Equal(new[] { "central-park", "sara-roosevelt" }, (await Find(c, filter)).Select(d => d["_id"].AsString).Order().ToArray());
        var explain = await c.ExplainFindAsync(new FindOptions { Filter = J(filter) }, ExplainVerbosity.ExecutionStats, null, Ct);
        var plan = explain["queryPlanner"].AsDocument["winningPlan"].AsDocument;
        Assert.Equal("FETCH", plan["stage"].AsString);
        Assert.Equal("location_2dsphere", plan["inputStage"].AsDocument["indexName"].AsString);
        Assert.True(explain["executionStats"].AsDocument["totalDocsExamined"].ToInt64() < 5);

        var sphere = """{"location": {"$geoWithin": {"$centerSphere": [[2.3, 48.8], 0.002]}}}""";
        Assert.Equal(new[] { "paris" }, (await Find(c, sphere)).Select(d => d["_id"].AsString).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task GeoNear_stage_adds_distances_and_locations(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Places(t);
        var pipeline = new BsonArray
        {
            J("""{"$geoNear": {"near": {"type": "Point", "coordinates": [-73.99279, 40.719296]}, "distanceField": "dist.calculated", "maxDistance": 10000, "query": {"category": "park"}, "includeLocs": "dist.location", "spherical": true}}"""),
        };
        await using var cursor = await c.AggregateAsync(pipeline, null, null, Ct);
        var docs = await cursor.ToListAsync(Ct);
        Assert.Equal(new[] { "sara-roosevelt", "central-park" }, docs.Select(d => d["_id"].AsString).ToArray());
        Assert.True(docs[0]["dist"].AsDocument["calculated"].AsDouble < 1);
        var centralPark = docs[1]["dist"].AsDocument["calculated"].AsDouble;
        Assert.InRange(centralPark, 5500, 6500);
        Assert.Equal(J("""{"type": "Point", "coordinates": [-73.97, 40.77]}"""), docs[1]["dist"].AsDocument["location"]);
        Assert.DoesNotContain(docs[0], e => e.Name.StartsWith("$meta", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Near_without_index_fails_291_and_bad_geometry_fails_16755(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("plain");
        await c.InsertAsync([J("""{"loc": [1, 2]}""")], cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoException>(() => Find(c, """{"loc": {"$near": {"$geometry": {"type": "Point", "coordinates": [1, 2]}}}}"""));
        Assert.Equal(291, ex.Code);
        Assert.Contains("unable to find index for $geoNear query", ex.Message);

        var stage = new BsonArray { J("""{"$geoNear": {"near": [1, 2], "distanceField": "d"}}""") };
        var ex2 = await Assert.ThrowsAsync<MongoException>(async () =>
        {
            await using var cursor = await c.AggregateAsync(stage, null, null, Ct);
            await cursor.ToListAsync(Ct);
        });
        Assert.Equal(291, ex2.Code);

        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"loc": "2dsphere"}}"""))], null, Ct);
        var bad = await c.InsertAsync([J("""{"loc": {"type": "Point", "coordinates": [200, 100]}}""")], cancellationToken: Ct);
        Assert.Equal(16755, Assert.Single(bad.WriteErrors).Code);
    }
}
