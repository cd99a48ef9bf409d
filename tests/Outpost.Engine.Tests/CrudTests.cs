using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class CrudTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Insert_generates_ObjectId_first_and_find_returns_documents(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("people");
        var result = await coll.InsertAsync([Doc(("name", "ada"), ("age", 36)), Doc(("age", 41), ("_id", 7), ("name", "bob"))], cancellationToken: Ct);
        Assert.Equal(2, result.N);
        Assert.Empty(result.WriteErrors);
        Assert.IsType<BsonObjectId>(result.InsertedIds[0]);
        Assert.Equal(7, result.InsertedIds[1].AsInt32);

        var all = await coll.FindAllAsync();
        Assert.Equal(2, all.Count);
        foreach (var doc in all) Assert.Equal("_id", doc.GetElement(0).Name);
        var bob = Assert.Single(await coll.FindAllAsync(Doc(("name", "bob"))));
        Assert.Equal(41, bob["age"].AsInt32);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Duplicate_id_reports_11000_with_index_and_continues_when_unordered(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);

        var ordered = await coll.InsertAsync([Doc(("_id", 2)), Doc(("_id", 1)), Doc(("_id", 3))], cancellationToken: Ct);
        Assert.Equal(1, ordered.N);
        var error = Assert.Single(ordered.WriteErrors);
        Assert.Equal(1, error.Index);
        Assert.Equal(11000, error.Code);
        Assert.Equal("E11000 duplicate key error collection: test.c index: _id_ dup key: { _id: 1 }", error.Message);
        Assert.Equal(Doc(("_id", 1)), error.Details!["keyValue"]);
        Assert.Equal(Doc(("_id", 1)), error.Details!["keyPattern"]);

        var unordered = await coll.InsertAsync([Doc(("_id", 1)), Doc(("_id", 4)), Doc(("_id", 2)), Doc(("_id", 5))], new InsertOptions { Ordered = false }, cancellationToken: Ct);
        Assert.Equal(2, unordered.N);
        Assert.Equal([0, 2], unordered.WriteErrors.Select(e => e.Index));
        Assert.Equal([1, 2, 4, 5], (await coll.FindAllAsync()).Select(d => d["_id"].AsInt32));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Large_insertMany_reports_every_failure_by_index_across_batches(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.CreateIndexesAsync([new IndexModel { Keys = Doc(("u", 1)), Unique = true }], cancellationToken: Ct);
        await coll.InsertAsync([Doc(("_id", 3), ("u", -3))], cancellationToken: Ct);

        // 12,000 documents span several storage batches; failures sit first, last and mid-batch: a duplicate _id, a
        // duplicate unique key within the same call, and a document failing validation rules (array _id) up front.
        var docs = new List<BsonDocument>();
        for (var i = 0; i < 12_000; i++) docs.Add(Doc(("_id", 10 + i), ("u", i)));
        docs[0] = Doc(("_id", 3), ("u", -1));              // duplicate _id (stored before)
        docs[4_999] = Doc(("_id", 90_000), ("u", 7));      // duplicate unique key of docs[7]
        docs[5_000] = Doc(("_id", Arr(1)), ("u", -2));     // invalid _id
        docs[11_999] = Doc(("_id", 15), ("u", -4));        // duplicate _id of docs[5], last of the call
        var unordered = await coll.InsertAsync(docs, new InsertOptions { Ordered = false }, cancellationToken: Ct);
        Assert.Equal([0, 4_999, 5_000, 11_999], unordered.WriteErrors.Select(e => e.Index));
        Assert.Equal([11000, 11000, 53, 11000], unordered.WriteErrors.Select(e => e.Code));
        Assert.Equal(11_996, unordered.N);
        Assert.Equal(11_996, unordered.InsertedIds.Count);
        Assert.Equal(11_997, await coll.CountAsync(cancellationToken: Ct));

        // Ordered: stops at the first failure, everything before it is stored.
        var more = new List<BsonDocument>();
        for (var i = 0; i < 7_000; i++) more.Add(Doc(("_id", 100_000 + i), ("u", 100_000 + i)));
        more[6_123] = Doc(("_id", 200_000), ("u", 5));
        var ordered = await coll.InsertAsync(more, cancellationToken: Ct);
        Assert.Equal(6_123, ordered.N);
        var error = Assert.Single(ordered.WriteErrors);
        Assert.Equal(6_123, error.Index);
        Assert.Equal(11000, error.Code);
        Assert.Equal(11_997 + 6_123, await coll.CountAsync(cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Find_by_id_point_lookup_keeps_find_semantics(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1), ("a", 1), ("b", 2)), Doc(("_id", "k"), ("a", 3)), Doc(("_id", 2L), ("a", 4))], cancellationToken: Ct);

        async Task<List<BsonDocument>> Find(FindOptions options, OperationContext? context = null)
        {
            await using var cursor = await coll.FindAsync(options, context, Ct);
            var batch = await cursor.NextBatchAsync(101, cancellationToken: Ct);
            Assert.True(cursor.IsExhausted); // the first batch closes the cursor (id 0 on the wire)
            return [.. batch];
        }

        // Numeric _id equality across types, as the filter means it.
        Assert.Equal(Doc(("_id", 1), ("a", 1), ("b", 2)), Assert.Single(await Find(new FindOptions { Filter = Doc(("_id", 1.0)) })));
        Assert.Equal(4, Assert.Single(await Find(new FindOptions { Filter = Doc(("_id", 2)), Limit = 1 }))["a"].AsInt32);
        Assert.Empty(await Find(new FindOptions { Filter = Doc(("_id", 3)) }));
        Assert.Empty(await Find(new FindOptions { Filter = Doc(("_id", "K")) }));

        // Projection applies; a collation on a string _id still compares by it (strength 2: "K" equals "k").
        Assert.Equal(Doc(("b", 2)), Assert.Single(await Find(new FindOptions { Filter = Doc(("_id", 1)), Projection = Doc(("b", 1), ("_id", 0)) })));
        var collated = await Find(new FindOptions { Filter = Doc(("_id", "K")), Collation = Doc(("locale", "en"), ("strength", 2)) });
        Assert.Equal(3, Assert.Single(collated)["a"].AsInt32);

        // Inside a transaction it reads the transaction's snapshot, own writes included; others don't see them yet.
        await using var txn = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        var ctx = new OperationContext { Transaction = txn };
        await coll.InsertAsync([Doc(("_id", 9), ("a", 9))], null, ctx, Ct);
        Assert.Single(await Find(new FindOptions { Filter = Doc(("_id", 9)) }, ctx));
        Assert.Empty(await Find(new FindOptions { Filter = Doc(("_id", 9)) }));
        await txn.CommitAsync(Ct);
        Assert.Single(await Find(new FindOptions { Filter = Doc(("_id", 9)) }));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Invalid_ids_and_oversized_documents_are_rejected_with_MongoDB_codes(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        var big = new string('x', 16 * 1024 * 1024);
        var result = await coll.InsertAsync(
            [Doc(("_id", Arr(1, 2))), Doc(("_id", new BsonRegularExpression("a"))), Doc(("_id", Doc(("$a", 1)))), Doc(("_id", 9), ("big", big)),
             Doc(("_id", 10), ("$top", 1), ("a.b", 2), ("n", Doc(("$x", 1))))],
            new InsertOptions { Ordered = false }, cancellationToken: Ct);
        Assert.Equal([53, 53, 52, 10334], result.WriteErrors.Select(e => e.Code));
        Assert.Equal(1, result.N);
        var stored = Assert.Single(await coll.FindAllAsync());
        Assert.Equal(1, stored["$top"].AsInt32);
        Assert.Equal(2, stored["a.b"].AsInt32);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Update_one_many_upsert_and_replace(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1), ("k", "a"), ("n", 1)), Doc(("_id", 2), ("k", "a"), ("n", 2)), Doc(("_id", 3), ("k", "b"), ("n", 3))], cancellationToken: Ct);

        var many = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("k", "a")), Update = Doc(("$inc", Doc(("n", 10)))), Multi = true }], cancellationToken: Ct);
        Assert.Equal(2, many.N);
        Assert.Equal(2, many.NModified);

        var noop = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 3)), Update = Doc(("$set", Doc(("n", 3)))) }], cancellationToken: Ct);
        Assert.Equal(1, noop.N);
        Assert.Equal(0, noop.NModified);

        var upsert = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("k", "z")), Update = Doc(("$set", Doc(("n", 99)))), Upsert = true }], cancellationToken: Ct);
        Assert.Equal(1, upsert.N);
        var upserted = Assert.Single(upsert.Upserted);
        Assert.Equal(0, upserted.Index);
        var z = Assert.Single(await coll.FindAllAsync(Doc(("k", "z"))));
        Assert.Equal(99, z["n"].AsInt32);
        Assert.Equal(upserted.Id, z["_id"]);

        var replace = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("only", true)) }], cancellationToken: Ct);
        Assert.Equal(1, replace.NModified);
        Assert.Equal(Doc(("_id", 1), ("only", true)), Assert.Single(await coll.FindAllAsync(Doc(("_id", 1)))));

        var immutable = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 2)), Update = Doc(("$set", Doc(("_id", 5)))) }], cancellationToken: Ct);
        Assert.Equal(66, Assert.Single(immutable.WriteErrors).Code);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Delete_one_and_many(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1), ("k", 1)), Doc(("_id", 2), ("k", 1)), Doc(("_id", 3), ("k", 2))], cancellationToken: Ct);
        var one = await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("k", 1)), Limit = 1 }], cancellationToken: Ct);
        Assert.Equal(1, one.N);
        var many = await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("k", Doc(("$gte", 1)))) }], cancellationToken: Ct);
        Assert.Equal(2, many.N);
        Assert.Empty(await coll.FindAllAsync());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Update_delete_and_findAndModify_target_by_their_collation_even_on_an_indexed_field(string backend)
    {
        // With an index on k, binary index bounds for "K" would miss "k": under a strength-2 collation the targeting must
        // match case-insensitively (as find does), and a sorted findAndModify must order by the collation.
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.CreateIndexesAsync([new IndexModel { Keys = Doc(("k", 1)) }], cancellationToken: Ct);
        await coll.InsertAsync([Doc(("_id", 1), ("k", "k"), ("n", 0)), Doc(("_id", 2), ("k", "x"), ("n", 0)), Doc(("_id", 3), ("k", "K"), ("n", 0))], cancellationToken: Ct);
        var caseInsensitive = Doc(("locale", "en"), ("strength", 2));

        var binary = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("k", "K")), Update = Doc(("$inc", Doc(("n", 1)))), Multi = true }], cancellationToken: Ct);
        Assert.Equal(1, binary.N);
        var collated = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("k", "K")), Update = Doc(("$inc", Doc(("n", 10)))), Multi = true, Collation = caseInsensitive }], cancellationToken: Ct);
        Assert.Equal(2, collated.N);
        Assert.Equal(new[] { 10, 0, 11 }, (await coll.FindAllAsync()).OrderBy(d => d["_id"].AsInt32).Select(d => d["n"].AsInt32).ToArray());

        var updateOne = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("k", Doc(("$in", new BsonArray { "X" })))), Update = Doc(("$set", Doc(("n", 5)))), Collation = caseInsensitive }], cancellationToken: Ct);
        Assert.Equal(1, updateOne.N);
        Assert.Equal(5, Assert.Single(await coll.FindAllAsync(Doc(("_id", 2))))["n"].AsInt32);

        // Sorted by k descending under the collation "k" and "K" tie (then the first found wins), "x" sorts above both.
        var top = await coll.FindAndModifyAsync(new FindAndModifyOptions { Query = Doc(("k", Doc(("$gte", "K")))), Sort = Doc(("k", -1)), Update = Doc(("$set", Doc(("top", true)))), Collation = caseInsensitive }, cancellationToken: Ct);
        Assert.Equal(2, top.Value!["_id"].AsInt32);

        var deleteOne = await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("k", "K")), Limit = 1, Collation = caseInsensitive }], cancellationToken: Ct);
        Assert.Equal(1, deleteOne.N);
        var deleteMany = await coll.DeleteAsync([new DeleteStatement { Filter = Doc(("k", "k")), Collation = caseInsensitive }], cancellationToken: Ct);
        Assert.Equal(1, deleteMany.N);
        Assert.Equal(2, Assert.Single(await coll.FindAllAsync())["_id"].AsInt32);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task FindAndModify_returns_before_or_after_and_upserts(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("counters");
        var created = await coll.FindAndModifyAsync(new FindAndModifyOptions { Query = Doc(("_id", "seq")), Update = Doc(("$inc", Doc(("v", 1)))), Upsert = true, ReturnNew = true }, cancellationToken: Ct);
        Assert.Equal(1, created.Value!["v"].AsInt32);
        Assert.Equal("seq", created.Upserted!.AsString);
        Assert.False(created.UpdatedExisting);

        var before = await coll.FindAndModifyAsync(new FindAndModifyOptions { Query = Doc(("_id", "seq")), Update = Doc(("$inc", Doc(("v", 1)))) }, cancellationToken: Ct);
        Assert.Equal(1, before.Value!["v"].AsInt32);
        Assert.True(before.UpdatedExisting);

        var removed = await coll.FindAndModifyAsync(new FindAndModifyOptions { Query = Doc(("_id", "seq")), Remove = true, Fields = Doc(("_id", 0)) }, cancellationToken: Ct);
        Assert.Equal(Doc(("v", 2)), removed.Value);
        Assert.Empty(await coll.FindAllAsync());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Cursor_streams_in_batches_with_sort_skip_limit_and_projection(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        var docs = Enumerable.Range(0, 2500).Select(i => Doc(("_id", i), ("v", i % 7), ("s", $"x{i}"))).ToList();
        await coll.InsertAsync(docs, cancellationToken: Ct);

        await using var cursor = await coll.FindAsync(new FindOptions(), cancellationToken: Ct);
        var first = await cursor.NextBatchAsync(101, cancellationToken: Ct);
        Assert.Equal(101, first.Count);
        Assert.False(cursor.IsExhausted);
        var total = first.Count;
        while (!cursor.IsExhausted) total += (await cursor.NextBatchAsync(1000, cancellationToken: Ct)).Count;
        Assert.Equal(2500, total);

        await using var sorted = await coll.FindAsync(new FindOptions { Filter = Doc(("v", 3)), Sort = Doc(("_id", -1)), Skip = 2, Limit = 3, Projection = Doc(("s", 1), ("_id", 0)) }, cancellationToken: Ct);
        var page = await sorted.ToListAsync(Ct);
        Assert.Equal(["x2481", "x2474", "x2467"], page.Select(d => d["s"].AsString));
        Assert.All(page, d => Assert.Equal(1, d.ElementCount));

        Assert.Equal(357, await coll.CountAsync(new CountOptions { Filter = Doc(("v", 3)) }, cancellationToken: Ct));
        Assert.Equal(2500, await coll.CountAsync(cancellationToken: Ct));
        var distinct = await coll.DistinctAsync("v", cancellationToken: Ct);
        Assert.Equal(Enumerable.Range(0, 7), distinct.Select(v => v.AsInt32));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Catalog_create_list_rename_drop_survive_restart(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("a", new CreateCollectionOptions { Validator = Doc(("x", Doc(("$exists", true)))) }, cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoException>(() => t.Db.CreateCollectionAsync("a", new CreateCollectionOptions { Capped = true, Size = 100 }, cancellationToken: Ct));
        Assert.Equal(48, ex.Code);
        await t.Db.GetCollection("b").InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
        await t.Db.RenameCollectionAsync("b", "test", "c", cancellationToken: Ct);

        await t.RestartAsync();
        var names = (await t.Db.ListCollectionsAsync(cancellationToken: Ct)).Select(d => d["name"].AsString).ToList();
        Assert.Equal(["a", "c"], names);
        var a = (await t.Db.ListCollectionsAsync(Doc(("name", "a")), cancellationToken: Ct)).Single();
        Assert.True(a["options"].AsDocument.Contains("validator"));
        Assert.Single(await t.Db.GetCollection("c").FindAllAsync());

        var invalid = await t.Db.GetCollection("a").InsertAsync([Doc(("y", 1))], cancellationToken: Ct);
        Assert.Equal(121, Assert.Single(invalid.WriteErrors).Code);

        Assert.True(await t.Db.DropCollectionAsync("c", cancellationToken: Ct));
        Assert.False(await t.Db.DropCollectionAsync("c", cancellationToken: Ct));
        Assert.Empty(await t.Db.GetCollection("c").FindAllAsync());
        await t.Db.DropAsync(cancellationToken: Ct);
        Assert.Empty(await t.Engine.ListDatabasesAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Find_supports_returnKey_showRecordId_and_min_max_with_hint(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync(Enumerable.Range(0, 10).Select(i => Doc(("_id", i), ("a", i), ("b", "x"))).ToList(), cancellationToken: Ct);
        await coll.CreateIndexesAsync([new IndexModel { Keys = Doc(("a", 1)) }], cancellationToken: Ct);

        await using var keys = await coll.FindAsync(new FindOptions { Filter = Doc(("a", Doc(("$lt", 2)))), ReturnKey = true }, cancellationToken: Ct);
        Assert.Equal([Doc(("a", 0)), Doc(("a", 1))], await keys.ToListAsync(Ct));

        await using var ranged = await coll.FindAsync(new FindOptions { Hint = Doc(("a", 1)), Min = Doc(("a", 3)), Max = Doc(("a", 6)), ShowRecordId = true }, cancellationToken: Ct);
        var rows = await ranged.ToListAsync(Ct);
        Assert.Equal([3, 4, 5], rows.Select(d => d["a"].AsInt32));
        Assert.All(rows, d => Assert.True(d.Contains("$recordId")));

        var noHint = await Assert.ThrowsAsync<MongoException>(async () => await (await coll.FindAsync(new FindOptions { Min = Doc(("a", 3)) }, cancellationToken: Ct)).ToListAsync(Ct));
        Assert.Equal(51173, noHint.Code);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Pipeline_updates_arrayFilters_and_database_aggregate(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1), ("a", 2), ("grades", Arr(80, 95, 100)))], cancellationToken: Ct);
        var setB = Doc(("$set", Doc(("b", Doc(("$multiply", Arr("$a", 10)))))));
        var pipeline = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Arr(setB) }], cancellationToken: Ct);
        Assert.Equal(1, pipeline.NModified);
        var filtered = await coll.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$set", Doc(("grades.$[g]", 0)))), ArrayFilters = Arr(Doc(("g", Doc(("$gte", 95))))) }], cancellationToken: Ct);
        Assert.Equal(1, filtered.NModified);
        var doc = Assert.Single(await coll.FindAllAsync());
        Assert.Equal(20, doc["b"].ToInt64());
        Assert.Equal(Arr(80, 0, 0), doc["grades"]);

        await using var cursor = await t.Db.AggregateAsync(Arr(Doc(("$documents", Arr(Doc(("x", 1)), Doc(("x", 2))))), Doc(("$match", Doc(("x", 2))))), cancellationToken: Ct);
        Assert.Equal([Doc(("x", 2))], await cursor.ToListAsync(Ct));
    }
}
