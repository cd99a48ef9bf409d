using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Compat;

/// <summary>Engine behaviour the unified CRUD spec tests (../shared/mongo-spec/crud-unified) showed missing.</summary>
public sealed class UnifiedCrudFixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static BsonArray Pipeline(string json) => BsonJson.Parse("""{"p": """ + json + "}")["p"].AsArray;

    private static async Task<List<BsonDocument>> Aggregate(Collection c, string pipeline, AggregateOptions? options = null)
    {
        await using var cursor = await c.AggregateAsync(Pipeline(pipeline), options, null, Ct);
        return await cursor.ToListAsync(Ct);
    }

    [Fact]
    public async Task Let_values_are_expressions_evaluated_once_in_aggregate_and_update()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var c = t.Db.GetCollection("c");
        await c.InsertAsync([J("""{"_id": 1}"""), J("""{"_id": 2, "x": "foo"}""")], cancellationToken: Ct);

        var docs = await Aggregate(c, """[{"$match": {"$expr": {"$eq": ["$_id", "$$id"]}}}, {"$project": {"_id": 0, "x": "$$x", "y": "$$y", "rand": "$$rand"}}]""",
            new AggregateOptions { Let = J("""{"id": 1, "x": "foo", "y": {"$literal": "$bar"}, "rand": {"$rand": {}}}""") });
        var doc = Assert.Single(docs);
        Assert.Equal("foo", doc["x"].AsString);
        Assert.Equal("$bar", doc["y"].AsString);
        Assert.IsType<BsonDouble>(doc["rand"]);

        await c.UpdateAsync([new UpdateStatement { Filter = J("""{"$expr": {"$eq": ["$x", "$$x"]}}"""), Update = Pipeline("""[{"$set": {"y": "$$y"}}]"""), Multi = true }],
            new UpdateOptions { Let = J("""{"x": "foo", "y": {"$literal": "bar"}}""") }, null, Ct);
        Assert.Equal("bar", (await c.FindAllAsync(J("""{"_id": 2}""")))[0]["y"].AsString);
    }

    [Fact]
    public async Task Distinct_with_a_case_insensitive_collation_keeps_one_of_equal_strings()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var c = t.Db.GetCollection("c");
        await c.InsertAsync([J("""{"_id": 1, "s": "PING"}"""), J("""{"_id": 2, "s": "ping"}"""), J("""{"_id": 3, "s": "pong"}""")], cancellationToken: Ct);
        Assert.Equal(["PING", "pong"], (await c.DistinctAsync("s", null, J("""{"locale": "en_US", "strength": 2}"""), null, Ct)).Select(v => v.AsString));
        Assert.Equal(["PING", "ping", "pong"], (await c.DistinctAsync("s", null, null, null, Ct)).Select(v => v.AsString));
    }

    [Fact]
    public async Task Merge_fail_reports_key_pattern_and_a_key_only_document_merges_as_a_no_op()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var target = t.Db.GetCollection("target");
        await target.InsertAsync([J("""{"_id": 1, "x": 1}"""), J("""{"_id": 2, "x": 1}""")], cancellationToken: Ct);
        var source = t.Db.GetCollection("source");
        await source.InsertAsync([J("""{"_id": 2, "x": 5}""")], cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<MongoException>(() => Aggregate(source, """[{"$merge": {"into": "target", "whenMatched": "fail"}}]"""));
        Assert.Equal(11000, error.Code);
        Assert.Equal(J("""{"_id": 1}"""), Assert.IsType<BsonDocument>(error.Details.Single(d => d.Key == "keyPattern").Value));
        Assert.Equal(J("""{"_id": 2}"""), Assert.IsType<BsonDocument>(error.Details.Single(d => d.Key == "keyValue").Value));

        await Aggregate(source, """[{"$project": {"_id": 1}}, {"$merge": {"into": "target"}}]""");
        Assert.Equal(J("""{"_id": 2, "x": 1}"""), (await target.FindAllAsync(J("""{"_id": 2}""")))[0]);
    }

    [Fact]
    public async Task A_text_index_is_listed_with_the_fts_key_shape()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var c = t.Db.GetCollection("c");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"title": "text", "body": "text"}, "name": "both"}"""))], null, Ct);
        var spec = (await c.ListIndexesAsync(null, Ct)).Single(i => i["name"].AsString == "both");
        Assert.Equal(J("""{"_fts": "text", "_ftsx": 1}"""), spec["key"]);
        Assert.Equal(J("""{"title": 1, "body": 1}"""), spec["weights"]);
    }
}
