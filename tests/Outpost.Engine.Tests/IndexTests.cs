using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class IndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IndexModel Ix(BsonDocument keys, string? name = null, bool unique = false, bool sparse = false, BsonDocument? partial = null) =>
        new() { Keys = keys, Name = name, Unique = unique, Sparse = sparse, PartialFilterExpression = partial };

    private static async Task<BsonDocument> WinningPlanAsync(Collection coll, FindOptions find)
    {
        var explain = await coll.ExplainFindAsync(find, ExplainVerbosity.ExecutionStats, cancellationToken: Ct);
        return explain;
    }

    private static string Stages(BsonDocument plan)
    {
        var names = new List<string>();
        BsonValue? stage = plan;
        while (stage is BsonDocument d)
        {
            names.Add(d["stage"].AsString);
            stage = d.TryGetValue("inputStage", out var next) ? next : null;
        }

        return string.Join(">", names);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task ListIndexes_has_MongoDB_shape_and_conflicts_fail_with_85_and_86(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        var created = await coll.CreateIndexesAsync([Ix(Doc(("a", 1), ("b", -1))), Ix(Doc(("email", 1)), "by_email", unique: true)], cancellationToken: Ct);
        Assert.Equal(1, created.NumIndexesBefore);
        Assert.Equal(3, created.NumIndexesAfter);
        Assert.True(created.CreatedCollectionAutomatically);

        var again = await coll.CreateIndexesAsync([Ix(Doc(("a", 1), ("b", -1)))], cancellationToken: Ct);
        Assert.Equal("all indexes already exist", again.Note);

        var list = await coll.ListIndexesAsync(cancellationToken: Ct);
        Assert.Equal(Doc(("v", 2), ("key", Doc(("_id", 1))), ("name", "_id_")), list[0]);
        Assert.Equal(Doc(("v", 2), ("key", Doc(("a", 1), ("b", -1))), ("name", "a_1_b_-1")), list[1]);
        Assert.Equal(Doc(("v", 2), ("key", Doc(("email", 1))), ("name", "by_email"), ("unique", true)), list[2]);

        var sameKeyOtherName = await Assert.ThrowsAsync<MongoException>(() => coll.CreateIndexesAsync([Ix(Doc(("a", 1), ("b", -1)), "other")], cancellationToken: Ct));
        Assert.Equal(85, sameKeyOtherName.Code);
        var sameNameOtherKey = await Assert.ThrowsAsync<MongoException>(() => coll.CreateIndexesAsync([Ix(Doc(("z", 1)), "by_email")], cancellationToken: Ct));
        Assert.Equal(86, sameNameOtherKey.Code);
        var sameNameOtherOptions = await Assert.ThrowsAsync<MongoException>(() => coll.CreateIndexesAsync([Ix(Doc(("email", 1)), "by_email")], cancellationToken: Ct));
        Assert.Equal(85, sameNameOtherOptions.Code);

        Assert.Equal(3, await coll.DropIndexesAsync("a_1_b_-1", cancellationToken: Ct));
        Assert.Equal(27, (await Assert.ThrowsAsync<MongoException>(() => coll.DropIndexesAsync("nope", cancellationToken: Ct))).Code);
        Assert.Equal(72, (await Assert.ThrowsAsync<MongoException>(() => coll.DropIndexesAsync("_id_", cancellationToken: Ct))).Code);
        Assert.Equal(2, await coll.DropIndexesAsync("*", cancellationToken: Ct));
        Assert.Single(await coll.ListIndexesAsync(cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Unique_index_reports_E11000_with_keyPattern_and_keyValue_and_build_fails_on_existing_duplicates(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("users");
        await coll.CreateIndexesAsync([Ix(Doc(("email", 1)), unique: true)], cancellationToken: Ct);
        await coll.InsertAsync([Doc(("_id", 1), ("email", "a@x"))], cancellationToken: Ct);
        var dup = await coll.InsertAsync([Doc(("_id", 2), ("email", "a@x"))], cancellationToken: Ct);
        var error = Assert.Single(dup.WriteErrors);
        Assert.Equal(11000, error.Code);
        Assert.Equal("E11000 duplicate key error collection: test.users index: email_1 dup key: { email: \"a@x\" }", error.Message);
        Assert.Equal(Doc(("email", 1)), error.Details!["keyPattern"]);
        Assert.Equal(Doc(("email", "a@x")), error.Details!["keyValue"]);

        // Missing fields index as null: a second document without the field is a duplicate (MongoDB's rule).
        await coll.InsertAsync([Doc(("_id", 3))], cancellationToken: Ct);
        Assert.Equal(11000, Assert.Single((await coll.InsertAsync([Doc(("_id", 4))], cancellationToken: Ct)).WriteErrors).Code);

        // An update that moves a key onto an existing one fails; moving to a free key frees the old one.
        var clash = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 3)), Update = Doc(("$set", Doc(("email", "a@x")))) }], cancellationToken: Ct);
        Assert.Equal(11000, Assert.Single(clash.WriteErrors).Code);
        await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$set", Doc(("email", "b@x")))) }], cancellationToken: Ct);
        Assert.Empty((await coll.InsertAsync([Doc(("_id", 5), ("email", "a@x"))], cancellationToken: Ct)).WriteErrors);

        var other = t.Db.GetCollection("dups");
        await other.InsertAsync([Doc(("_id", 1), ("k", 1)), Doc(("_id", 2), ("k", 1))], cancellationToken: Ct);
        var build = await Assert.ThrowsAsync<MongoException>(() => other.CreateIndexesAsync([Ix(Doc(("k", 1)), unique: true)], cancellationToken: Ct));
        Assert.Equal(11000, build.Code);
        Assert.Single(await other.ListIndexesAsync(cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Sparse_unique_index_allows_many_missing_and_is_not_used_for_null_queries(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.CreateIndexesAsync([Ix(Doc(("sku", 1)), unique: true, sparse: true)], cancellationToken: Ct);
        var result = await coll.InsertAsync([Doc(("_id", 1)), Doc(("_id", 2)), Doc(("_id", 3), ("sku", "x")), Doc(("_id", 4), ("sku", BsonNull.Value))], cancellationToken: Ct);
        Assert.Empty(result.WriteErrors);
        Assert.Equal(11000, Assert.Single((await coll.InsertAsync([Doc(("_id", 5), ("sku", "x"))], cancellationToken: Ct)).WriteErrors).Code);

        // {sku: null} must find the documents without the field too, so the sparse index cannot answer it.
        var nulls = await coll.FindAllAsync(Doc(("sku", BsonNull.Value)));
        Assert.Equal([1, 2, 4], nulls.Select(d => d["_id"].AsInt32).Order());
        var plan = (await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("sku", BsonNull.Value)) })).At("queryPlanner").At("winningPlan").AsDocument;
        Assert.Equal("COLLSCAN", Stages(plan));
        var eq = (await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("sku", "x")) })).At("queryPlanner").At("winningPlan").AsDocument;
        Assert.Equal("FETCH>IXSCAN", Stages(eq));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Partial_index_only_indexes_matching_documents_and_is_used_only_when_implied(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("orders");
        await coll.CreateIndexesAsync([Ix(Doc(("customer", 1)), unique: true, partial: Doc(("status", "open")))], cancellationToken: Ct);
        var result = await coll.InsertAsync([
            Doc(("_id", 1), ("customer", "a"), ("status", "open")),
            Doc(("_id", 2), ("customer", "a"), ("status", "closed")),
            Doc(("_id", 3), ("customer", "a"), ("status", "closed"))], cancellationToken: Ct);
        Assert.Empty(result.WriteErrors);
        Assert.Equal(11000, Assert.Single((await coll.InsertAsync([Doc(("_id", 4), ("customer", "a"), ("status", "open"))], cancellationToken: Ct)).WriteErrors).Code);

        var implied = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("customer", "a"), ("status", "open")) });
        Assert.Equal("FETCH>IXSCAN", Stages(implied["queryPlanner"].At("winningPlan").AsDocument));
        Assert.Equal(1, implied["executionStats"].At("nReturned").ToInt64());
        var notImplied = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("customer", "a")) });
        Assert.Equal("COLLSCAN", Stages(notImplied["queryPlanner"].At("winningPlan").AsDocument));
        Assert.Equal(3, notImplied["executionStats"].At("nReturned").ToInt64());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Multikey_index_finds_array_elements_dedups_and_rejects_parallel_arrays(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.CreateIndexesAsync([Ix(Doc(("tags", 1), ("n", 1)))], cancellationToken: Ct);
        await coll.InsertAsync([
            Doc(("_id", 1), ("tags", Arr("a", "b", "a")), ("n", 1)),
            Doc(("_id", 2), ("tags", "a"), ("n", 2)),
            Doc(("_id", 3), ("tags", Arr()), ("n", 3)),
            Doc(("_id", 4), ("tags", Arr(1, 5, 10)), ("n", 4))], cancellationToken: Ct);

        var parallel = await coll.InsertAsync([Doc(("_id", 9), ("tags", Arr("x")), ("n", Arr(1, 2)))], cancellationToken: Ct);
        var error = Assert.Single(parallel.WriteErrors);
        Assert.Equal(171, error.Code);
        Assert.Equal("CannotIndexParallelArrays", error.CodeName);

        Assert.Equal([1, 2], (await coll.FindAllAsync(Doc(("tags", "a")))).Select(d => d["_id"].AsInt32).Order());
        Assert.Equal([1, 2], (await coll.FindAllAsync(Doc(("tags", Doc(("$in", Arr("a", "b"))))))).Select(d => d["_id"].AsInt32).Order());

        // One element may satisfy each bound: [1, 5, 10] matches {$gt: 6, $lt: 4}.
        Assert.Equal([4], (await coll.FindAllAsync(Doc(("tags", Doc(("$gt", 6), ("$lt", 4)))))).Select(d => d["_id"].AsInt32));
        var explain = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("tags", "a")) });
        var ixscan = explain["queryPlanner"].At("winningPlan").At("inputStage").AsDocument;
        Assert.True(ixscan["isMultiKey"].AsBoolean);
        Assert.Equal(2, explain["executionStats"].At("nReturned").ToInt64());

        // Updating the array rewrites its keys: the old element is no longer found.
        await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$set", Doc(("tags", Arr("z"))))) }], cancellationToken: Ct);
        Assert.Equal([2], (await coll.FindAllAsync(Doc(("tags", "a")))).Select(d => d["_id"].AsInt32));
        Assert.Equal([1], (await coll.FindAllAsync(Doc(("tags", "z")))).Select(d => d["_id"].AsInt32));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Planner_picks_indexes_for_equality_range_in_and_sort_and_honors_hint(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("photos");
        var docs = Enumerable.Range(0, 300).Select(i => Doc(("_id", i), ("station", $"s{i % 5}"), ("takenAt", i), ("score", (double)(i % 17)))).ToList();
        await coll.InsertAsync(docs, cancellationToken: Ct);
        await coll.CreateIndexesAsync([Ix(Doc(("station", 1), ("takenAt", -1))), Ix(Doc(("score", 1)))], cancellationToken: Ct);

        var eqSort = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("station", "s2")), Sort = Doc(("takenAt", -1)), Limit = 5 });
        var plan = eqSort["queryPlanner"].At("winningPlan").AsDocument;
        Assert.Equal("LIMIT>FETCH>IXSCAN", Stages(plan));
        Assert.Equal("station_1_takenAt_-1", plan["inputStage"].At("inputStage").At("indexName").AsString);
        Assert.Equal(5, eqSort["executionStats"].At("nReturned").ToInt64());
        Assert.True(eqSort["executionStats"].At("totalKeysExamined").ToInt64() <= 6);
        await using (var cursor = await coll.FindAsync(new FindOptions { Filter = Doc(("station", "s2")), Sort = Doc(("takenAt", -1)), Limit = 3 }, cancellationToken: Ct))
            Assert.Equal([297, 292, 287], (await cursor.ToListAsync(Ct)).Select(d => d["takenAt"].AsInt32));

        var range = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("score", Doc(("$gte", 15.0), ("$lt", 16)))) });
        Assert.Equal("score_1", range["queryPlanner"].At("winningPlan").At("inputStage").At("indexName").AsString);
        Assert.Equal(17, range["executionStats"].At("nReturned").ToInt64());
        Assert.Equal(17, range["executionStats"].At("totalDocsExamined").ToInt64());

        var inQuery = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("station", Doc(("$in", Arr("s1", "s3")))), ("takenAt", Doc(("$gte", 290)))) });
        Assert.Equal("station_1_takenAt_-1", inQuery["queryPlanner"].At("winningPlan").At("inputStage").At("indexName").AsString);
        Assert.Equal(4, inQuery["executionStats"].At("nReturned").ToInt64());
        Assert.Equal(4, inQuery["executionStats"].At("totalKeysExamined").ToInt64());

        var sortOnly = await WinningPlanAsync(coll, new FindOptions { Sort = Doc(("score", 1)) });
        Assert.Equal("FETCH>IXSCAN", Stages(sortOnly["queryPlanner"].At("winningPlan").AsDocument));
        var unindexedSort = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("takenAt", Doc(("$gt", 10)))), Sort = Doc(("takenAt", 1)) });
        Assert.Equal("SORT>COLLSCAN", Stages(unindexedSort["queryPlanner"].At("winningPlan").AsDocument));

        var idHack = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("_id", 42)) });
        Assert.Equal("IDHACK", Stages(idHack["queryPlanner"].At("winningPlan").AsDocument));
        Assert.Equal(1, idHack["executionStats"].At("totalDocsExamined").ToInt64());

        var hinted = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("station", "s1")), Hint = Doc(("$natural", 1)) });
        Assert.Equal("COLLSCAN", Stages(hinted["queryPlanner"].At("winningPlan").AsDocument));
        var byName = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("station", "s1")), Hint = "score_1" });
        Assert.Equal("score_1", byName["queryPlanner"].At("winningPlan").At("inputStage").At("indexName").AsString);
        Assert.Equal(60, byName["executionStats"].At("nReturned").ToInt64());
        await Assert.ThrowsAsync<MongoException>(() => WinningPlanAsync(coll, new FindOptions { Hint = "missing" }));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Index_entries_follow_deletes_and_survive_restart(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.CreateIndexesAsync([Ix(Doc(("k", 1)))], cancellationToken: Ct);
        await coll.InsertAsync(Enumerable.Range(0, 50).Select(i => Doc(("_id", i), ("k", i % 5))).ToList(), cancellationToken: Ct);
        await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("k", 3)) }], cancellationToken: Ct);
        await t.RestartAsync();
        coll = t.Db.GetCollection("c");
        var explain = await WinningPlanAsync(coll, new FindOptions { Filter = Doc(("k", Doc(("$gte", 2)))) });
        Assert.Equal(20, explain["executionStats"].At("nReturned").ToInt64());
        Assert.Equal(20, explain["executionStats"].At("totalKeysExamined").ToInt64());
        Assert.Equal(2, (await coll.ListIndexesAsync(cancellationToken: Ct)).Count);
    }
}
