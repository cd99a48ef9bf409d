using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Wildcard;

public sealed class WildcardIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static async Task<(List<BsonDocument> Docs, BsonDocument Explain)> Query(Collection c, string filter)
    {
        var options = new FindOptions { Filter = J(filter), Sort = J("""{"_id": 1}""") };
        await using var cursor = await c.FindAsync(options, null, Ct);
        var docs = await cursor.ToListAsync(Ct);
        var explain = await c.ExplainFindAsync(new FindOptions { Filter = J(filter) }, ExplainVerbosity.ExecutionStats, null, Ct);
        return (docs, explain);
    }

    private static string? IndexName(BsonDocument explain) =>
        explain["queryPlanner"].AsDocument["winningPlan"].AsDocument.TryGetValue("inputStage", out var input) ? input.AsDocument["indexName"].AsString : null;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task All_paths_index_serves_equality_and_ranges_on_nested_and_array_fields(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var c = t.Db.GetCollection("products");
        await c.InsertAsync([
            J("""{"_id": 1, "attributes": {"color": "red", "size": 10}, "tags": ["a", "b"]}"""),
            J("""{"_id": 2, "attributes": {"color": "blue", "size": 12}, "tags": ["b"]}"""),
            J("""{"_id": 3, "attributes": {"color": "red", "size": 14}, "items": [{"sku": "x"}, {"sku": "y"}]}"""),
            J("""{"_id": 4, "other": true}"""),
        ], cancellationToken: Ct);
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"$**": 1}}"""))], null, Ct);

        var (docs, explain) = await Query(c, """{"attributes.color": "red"}""");
        Assert.Equal(new[] { 1, 3 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        Assert.Equal("$**_1", IndexName(explain));
        Assert.Equal(2L, explain["executionStats"].AsDocument["totalDocsExamined"].ToInt64());

        (docs, explain) = await Query(c, """{"attributes.size": {"$gt": 10, "$lte": 14}}""");
        Assert.Equal(new[] { 2, 3 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        Assert.Equal("$**_1", IndexName(explain));

        (docs, _) = await Query(c, """{"tags": "b"}""");
        Assert.Equal(new[] { 1, 2 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        (docs, _) = await Query(c, """{"items.sku": "y"}""");
        Assert.Equal(new[] { 3 }, docs.Select(d => d["_id"].AsInt32).ToArray());

        // Missing-field and whole-document predicates cannot use a wildcard index: collection scan, same answers.
        (docs, explain) = await Query(c, """{"attributes": {"color": "blue", "size": 12}}""");
        Assert.Equal(new[] { 2 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        Assert.Equal("COLLSCAN", explain["queryPlanner"].AsDocument["winningPlan"].AsDocument["stage"].AsString);
        (docs, explain) = await Query(c, """{"attributes.color": null}""");
        Assert.Equal(new[] { 4 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        Assert.Null(IndexName(explain));

        // Index maintenance on update and delete.
        await c.UpdateAsync([new UpdateStatement { Filter = J("""{"_id": 2}"""), Update = J("""{"$set": {"attributes.color": "red"}}""") }], cancellationToken: Ct);
        await c.DeleteAsync([new DeleteStatement { Filter = J("""{"_id": 1}"""), Limit = 1 }], cancellationToken: Ct);
        (docs, _) = await Query(c, """{"attributes.color": "red"}""");
        Assert.Equal(new[] { 2, 3 }, docs.Select(d => d["_id"].AsInt32).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Path_wildcard_and_projection_limit_what_is_indexed(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { TtlMonitorInterval = null });
        var c = t.Db.GetCollection("p");
        await c.InsertAsync([J("""{"_id": 1, "attributes": {"color": "red"}, "meta": {"color": "red"}}""")], cancellationToken: Ct);
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"attributes.$**": 1}}"""))], null, Ct);
        Assert.Equal("attributes.$**_1", IndexName((await Query(c, """{"attributes.color": "red"}""")).Explain));
        Assert.Null(IndexName((await Query(c, """{"meta.color": "red"}""")).Explain));

        var d = t.Db.GetCollection("q");
        await d.InsertAsync([J("""{"_id": 1, "a": {"x": 1}, "b": {"x": 1}}""")], cancellationToken: Ct);
        await d.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"$**": 1}, "wildcardProjection": {"b": 0}}"""))], null, Ct);
        Assert.Equal("$**_1", IndexName((await Query(d, """{"a.x": 1}""")).Explain));
        var (docs, explain) = await Query(d, """{"b.x": 1}""");
        Assert.Single(docs);
        Assert.Null(IndexName(explain));

        var bad = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"x.$**": 1}, "name": "w2", "wildcardProjection": {"a": 1}}"""))], null, Ct));
        Assert.Equal(67, bad.Code);
        var unique = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"$**": 1}, "unique": true}"""))], null, Ct));
        Assert.Equal(67, unique.Code);
    }
}
