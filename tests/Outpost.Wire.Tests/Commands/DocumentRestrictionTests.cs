using Outpost.Bson;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

/// <summary>
/// Document-restricted privileges (Outpost's <c>outpostFilter</c> extension, decision 026), end to end over the wire
/// with authentication on: a user whose only privilege on plant.photos is restricted to <c>{dept: "PAINT"}</c>.
/// </summary>
public sealed class DocumentRestrictionTests : IAsyncLifetime
{
    private const int Unauthorized = 13;
    private EngineTestServer _server = null!;
    private CommandClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await EngineTestServer.StartAsync(auth: true);
        _admin = await _server.ConnectAsync();
        await _admin.RunOkAsync(new BsonDocument { { "createUser", "admin" }, { "pwd", "admin-pw" }, { "roles", new BsonArray { "root" } } });
        Assert.True((await ScramClient.AuthenticateAsync(_admin, "admin", "admin-pw"))["done"].AsBoolean);
        await _admin.RunOkAsync(new BsonDocument
        {
            { "createRole", "paint" },
            { "privileges", new BsonArray { Privilege("photos", ["find", "insert", "update", "remove", "killCursors", "collStats"], new BsonDocument("dept", "PAINT")) } },
            { "roles", new BsonArray() },
        }, "plant");
        await _admin.RunOkAsync(new BsonDocument { { "createUser", "painter" }, { "pwd", "pw" }, { "roles", new BsonArray { "paint" } } }, "plant");
        var seed = new BsonArray();
        for (int i = 1; i <= 10; i++) seed.Add(new BsonDocument { { "_id", i }, { "dept", i % 2 == 0 ? "QA" : "PAINT" }, { "n", i } });
        await _admin.RunOkAsync(new BsonDocument { { "insert", "photos" }, { "documents", seed } }, "plant");
    }

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _server.DisposeAsync();
    }

    private static BsonDocument Privilege(string collection, string[] actions, BsonDocument? filter)
    {
        var actionArray = new BsonArray();
        foreach (var a in actions) actionArray.Add(a);
        var privilege = new BsonDocument { { "resource", new BsonDocument { { "db", "plant" }, { "collection", collection } } }, { "actions", actionArray } };
        if (filter is not null) privilege.Add("outpostFilter", filter);
        return privilege;
    }

    private async Task<CommandClient> PainterAsync()
    {
        var client = await _server.ConnectAsync();
        Assert.True((await ScramClient.AuthenticateAsync(client, "painter", "pw", "plant"))["done"].AsBoolean);
        return client;
    }

    private static BsonDocument Update(BsonDocument q, BsonValue u, bool multi = false, bool upsert = false) =>
        new() { { "q", q }, { "u", u }, { "multi", multi }, { "upsert", upsert } };

    private static BsonDocument Set(string field, BsonValue value) => new("$set", new BsonDocument(field, value));

    private async Task<BsonDocument?> StoredAsync(int id)
    {
        var reply = await _admin.RunOkAsync(new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("_id", id) } }, "plant");
        var batch = reply["cursor"].AsDocument["firstBatch"].AsArray;
        return batch.Count == 0 ? null : batch[0].AsDocument;
    }

    private static List<int> Ids(BsonDocument cursorReply, string batch = "firstBatch")
    {
        var ids = new List<int>();
        foreach (var d in cursorReply["cursor"].AsDocument[batch].AsArray) ids.Add(d.AsDocument["_id"].AsInt32);
        return ids;
    }

    private static void AssertWriteError(BsonDocument reply, int index)
    {
        Assert.Equal(1.0, reply["ok"].ToDouble());
        var errors = reply["writeErrors"].AsArray;
        Assert.Single(errors);
        Assert.Equal(index, errors[0].AsDocument["index"].AsInt32);
        Assert.Equal(Unauthorized, errors[0].AsDocument["code"].AsInt32);
    }

    [Fact]
    public async Task The_filter_is_part_of_the_role_and_validated()
    {
        var info = await _admin.RunOkAsync(new BsonDocument { { "rolesInfo", "paint" }, { "showPrivileges", true } }, "plant");
        var privilege = info["roles"].AsArray[0].AsDocument["privileges"].AsArray[0].AsDocument;
        Assert.Equal(new BsonDocument("dept", "PAINT"), privilege["outpostFilter"].AsDocument);

        BsonDocument Create(string name, BsonDocument privilege) => new() { { "createRole", name }, { "privileges", new BsonArray { privilege } }, { "roles", new BsonArray() } };
        var unknown = Privilege("photos", ["find"], null);
        unknown.Add("filter", new BsonDocument("dept", "PAINT"));
        Assert.Equal(40415, (await _admin.RunAsync(Create("r1", unknown), "plant"))["code"].AsInt32);
        Assert.Equal(2, (await _admin.RunAsync(Create("r2", Privilege("photos", ["find"], new BsonDocument("$where", "true"))), "plant"))["code"].AsInt32);
        Assert.Equal(2, (await _admin.RunAsync(Create("r3", Privilege("photos", ["find"], new BsonDocument())), "plant"))["code"].AsInt32);
        Assert.Equal(2, (await _admin.RunAsync(Create("r4", Privilege("", ["find"], new BsonDocument("dept", "PAINT"))), "plant"))["code"].AsInt32);
        Assert.Equal(2, (await _admin.RunAsync(Create("r5", Privilege("photos", ["find"], new BsonDocument("dept", new BsonDocument("$bogus", 1)))), "plant"))["code"].AsInt32);
    }

    [Fact]
    public async Task Reads_see_only_matching_documents()
    {
        await using var client = await PainterAsync();
        Assert.Equal([1, 3, 5, 7, 9], Ids(await client.RunOkAsync(new BsonDocument { { "find", "photos" }, { "sort", new BsonDocument("_id", 1) } }, "plant")));
        Assert.Empty(Ids(await client.RunOkAsync(new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("_id", 2) } }, "plant")));
        Assert.Empty(Ids(await client.RunOkAsync(new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("dept", "QA") } }, "plant")));
        Assert.Equal(5, (await client.RunOkAsync(new BsonDocument("count", "photos"), "plant"))["n"].ToInt64());
        var distinct = (await client.RunOkAsync(new BsonDocument { { "distinct", "photos" }, { "key", "dept" } }, "plant"))["values"].AsArray;
        Assert.Equal(new BsonArray { "PAINT" }, distinct);
        var grouped = await client.RunOkAsync(new BsonDocument
        {
            { "aggregate", "photos" },
            { "pipeline", new BsonArray { new BsonDocument("$group", new BsonDocument { { "_id", "$dept" }, { "n", new BsonDocument("$sum", 1) } }) } },
            { "cursor", new BsonDocument() },
        }, "plant");
        var groups = grouped["cursor"].AsDocument["firstBatch"].AsArray;
        Assert.Single(groups);
        Assert.Equal(5, groups[0].AsDocument["n"].ToInt64());

        // getMore keeps the restriction: the cursor was opened with it.
        var first = await client.RunOkAsync(new BsonDocument { { "find", "photos" }, { "sort", new BsonDocument("_id", 1) }, { "batchSize", 2 } }, "plant");
        var seen = Ids(first);
        long cursorId = first["cursor"].AsDocument["id"].ToInt64();
        while (cursorId != 0)
        {
            var more = await client.RunOkAsync(new BsonDocument { { "getMore", cursorId }, { "collection", "photos" }, { "batchSize", 2 } }, "plant");
            seen.AddRange(Ids(more, "nextBatch"));
            cursorId = more["cursor"].AsDocument["id"].ToInt64();
        }
        Assert.Equal([1, 3, 5, 7, 9], seen);

        var explained = await client.RunOkAsync(new BsonDocument("explain", new BsonDocument { { "count", "photos" } }), "plant");
        Assert.Contains("PAINT", explained.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_that_cannot_carry_the_filter_are_refused()
    {
        await using var client = await PainterAsync();
        var refused = new[]
        {
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$changeStream", new BsonDocument()) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$collStats", new BsonDocument("count", new BsonDocument())) } }, { "cursor", new BsonDocument() } },
            // Sources the user holds no find privilege on.
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$lookup", new BsonDocument { { "from", "secrets" }, { "pipeline", new BsonArray() }, { "as", "all" } }) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "secrets") } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$facet", new BsonDocument("x", new BsonArray { new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "secrets") } }, { "as", "s" } }) })) } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$out", "stolen") } }, { "cursor", new BsonDocument() } },
            new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$merge", new BsonDocument("into", "photos")) } }, { "cursor", new BsonDocument() } },
            new BsonDocument("collStats", "photos"),
            new BsonDocument { { "insert", "other" }, { "documents", new BsonArray { new BsonDocument("dept", "PAINT") } } },
            new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument("dept", "PAINT") } }, { "bypassDocumentValidation", true } },
            new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument(), Set("n", 0)) } }, { "bypassDocumentValidation", true } },
        };
        foreach (var command in refused)
        {
            var reply = await client.RunAsync(command, "plant");
            Assert.True(reply["ok"].ToDouble() == 0, command.ToString());
            Assert.Equal(Unauthorized, reply["code"].AsInt32);
        }
        // A delete without q still fails as MongoDB's does (q is required), rather than deleting what the filter allows.
        var noQ = await client.RunAsync(new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument("limit", 0) } } }, "plant");
        Assert.Equal(9, noQ["code"].AsInt32);
        Assert.Equal(10, (await _admin.RunOkAsync(new BsonDocument("count", "photos"), "plant"))["n"].ToInt64());
        Assert.Null(await StoredAsync(0));
    }

    [Fact]
    public async Task Inserts_must_match_and_the_failing_index_is_named()
    {
        await using var client = await PainterAsync();
        await client.RunOkAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument { { "_id", 11 }, { "dept", "PAINT" } } } } }, "plant");
        Assert.NotNull(await StoredAsync(11));

        var ordered = await client.RunAsync(new BsonDocument
        {
            { "insert", "photos" },
            { "documents", new BsonArray { new BsonDocument { { "_id", 12 }, { "dept", "PAINT" } }, new BsonDocument { { "_id", 13 }, { "dept", "QA" } }, new BsonDocument { { "_id", 14 }, { "dept", "PAINT" } } } },
        }, "plant");
        Assert.Equal(1, ordered["n"].AsInt32);
        AssertWriteError(ordered, 1);
        Assert.NotNull(await StoredAsync(12));
        Assert.Null(await StoredAsync(13));
        Assert.Null(await StoredAsync(14));

        var unordered = await client.RunAsync(new BsonDocument
        {
            { "insert", "photos" },
            { "documents", new BsonArray { new BsonDocument { { "_id", 15 } }, new BsonDocument { { "_id", 16 }, { "dept", "PAINT" } } } },
            { "ordered", false },
        }, "plant");
        Assert.Equal(1, unordered["n"].AsInt32);
        AssertWriteError(unordered, 0);
        Assert.Null(await StoredAsync(15));
        Assert.NotNull(await StoredAsync(16));
    }

    [Fact]
    public async Task Updates_target_only_matching_documents_and_cannot_move_them_out()
    {
        await using var client = await PainterAsync();
        var own = await client.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 1), Set("n", 100)) } } }, "plant");
        Assert.Equal(1, own["n"].AsInt32);
        Assert.Equal(100, (await StoredAsync(1))!["n"].AsInt32);

        var foreign = await client.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 2), Set("n", -1)) } } }, "plant");
        Assert.Equal(0, foreign["n"].AsInt32);
        var all = await client.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument(), new BsonDocument("$inc", new BsonDocument("n", 1000)), multi: true) } } }, "plant");
        Assert.Equal(5, all["n"].AsInt32);
        Assert.Equal(2, (await StoredAsync(2))!["n"].AsInt32);

        // Moving a photo to another department: the update's result must still match.
        var move = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 3), Set("dept", "QA")) } } }, "plant");
        AssertWriteError(move, 0);
        var replace = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 3), new BsonDocument("n", 0)) } } }, "plant");
        AssertWriteError(replace, 0);
        var pipeline = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 3), new BsonArray { new BsonDocument("$unset", "dept") }) } } }, "plant");
        AssertWriteError(pipeline, 0);
        Assert.Equal("PAINT", (await StoredAsync(3))!["dept"].AsString);

        // Upserts must create a matching document; the filter's equality seeds it.
        var upsert = await client.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 20), Set("n", 20), upsert: true) } } }, "plant");
        Assert.Single(upsert["upserted"].AsArray);
        Assert.Equal("PAINT", (await StoredAsync(20))!["dept"].AsString);
        var upsertQa = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 21), Set("dept", "QA"), upsert: true) } } }, "plant");
        AssertWriteError(upsertQa, 0);
        Assert.Null(await StoredAsync(21));
        // An existing QA id is invisible, so the upsert would insert a duplicate _id: refused by the unique index, not written.
        var upsertOverQa = await client.RunAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 2), Set("n", 0), upsert: true) } } }, "plant");
        Assert.Equal(11000, upsertOverQa["writeErrors"].AsArray[0].AsDocument["code"].AsInt32);
        Assert.Equal(2, (await StoredAsync(2))!["n"].AsInt32);
    }

    [Fact]
    public async Task Deletes_and_findAndModify_reach_only_matching_documents()
    {
        await using var client = await PainterAsync();
        var foreign = await client.RunOkAsync(new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 2) }, { "limit", 1 } } } } }, "plant");
        Assert.Equal(0, foreign["n"].AsInt32);
        var fam = await client.RunOkAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", 4) }, { "remove", true } }, "plant");
        Assert.True(fam["value"].IsNull);
        var famUpdate = await client.RunOkAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("dept", "QA") }, { "update", Set("n", -1) } }, "plant");
        Assert.True(famUpdate["value"].IsNull);
        var famMove = await client.RunAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", 5) }, { "update", Set("dept", "QA") } }, "plant");
        Assert.Equal(Unauthorized, famMove["code"].AsInt32);
        Assert.Equal("PAINT", (await StoredAsync(5))!["dept"].AsString);
        var famOwn = await client.RunOkAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", 5) }, { "update", Set("n", 55) }, { "new", true } }, "plant");
        Assert.Equal(55, famOwn["value"].AsDocument["n"].AsInt32);

        var all = await client.RunOkAsync(new BsonDocument { { "delete", "photos" }, { "deletes", new BsonArray { new BsonDocument { { "q", new BsonDocument() }, { "limit", 0 } } } } }, "plant");
        Assert.Equal(5, all["n"].AsInt32);
        var left = await _admin.RunOkAsync(new BsonDocument("count", "photos"), "plant");
        Assert.Equal(5, left["n"].ToInt64());
        Assert.NotNull(await StoredAsync(2));
    }

    [Fact]
    public async Task An_unrestricted_privilege_on_the_namespace_wins_and_admins_are_unaffected()
    {
        await _admin.RunOkAsync(new BsonDocument
        {
            { "createRole", "auditor" },
            { "privileges", new BsonArray { Privilege("photos", ["find"], null) } },
            { "roles", new BsonArray { new BsonDocument { { "role", "paint" }, { "db", "plant" } } } },
        }, "plant");
        await _admin.RunOkAsync(new BsonDocument { { "createUser", "auditor" }, { "pwd", "pw" }, { "roles", new BsonArray { "auditor" } } }, "plant");
        await using var auditor = await _server.ConnectAsync();
        Assert.True((await ScramClient.AuthenticateAsync(auditor, "auditor", "pw", "plant"))["done"].AsBoolean);
        Assert.Equal(10, (await auditor.RunOkAsync(new BsonDocument("count", "photos"), "plant"))["n"].ToInt64());
        // Its writes still come only from the restricted privilege.
        var insert = await auditor.RunAsync(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument { { "_id", 30 }, { "dept", "QA" } } } } }, "plant");
        AssertWriteError(insert, 0);
        // findAndModify needs find (unrestricted) and update (restricted): it reaches only what both allow.
        var fam = await auditor.RunOkAsync(new BsonDocument { { "findAndModify", "photos" }, { "query", new BsonDocument("_id", 2) }, { "update", Set("n", -1) } }, "plant");
        Assert.True(fam["value"].IsNull);

        Assert.Equal(10, (await _admin.RunOkAsync(new BsonDocument("count", "photos"), "plant"))["n"].ToInt64());
        await _admin.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 2), Set("dept", "PAINT")) } } }, "plant");
        Assert.Equal("PAINT", (await StoredAsync(2))!["dept"].AsString);
    }

    [Fact]
    public async Task Another_users_cursor_cannot_be_continued_or_killed()
    {
        var opened = await _admin.RunOkAsync(new BsonDocument { { "find", "photos" }, { "batchSize", 1 } }, "plant");
        long id = opened["cursor"].AsDocument["id"].ToInt64();
        Assert.NotEqual(0, id);
        await using var client = await PainterAsync();
        var getMore = await client.RunAsync(new BsonDocument { { "getMore", id }, { "collection", "photos" } }, "plant");
        Assert.Equal(Unauthorized, getMore["code"].AsInt32);
        var kill = await client.RunAsync(new BsonDocument { { "killCursors", "photos" }, { "cursors", new BsonArray { id } } }, "plant");
        Assert.Equal(Unauthorized, kill["code"].AsInt32);
        var more = await _admin.RunOkAsync(new BsonDocument { { "getMore", id }, { "collection", "photos" }, { "batchSize", 100 } }, "plant");
        Assert.Equal(9, more["cursor"].AsDocument["nextBatch"].AsArray.Count);
    }

    [Fact]
    public async Task Joined_and_unioned_sources_carry_their_restriction()
    {
        await _admin.RunOkAsync(new BsonDocument { { "insert", "secrets" }, { "documents", new BsonArray { new BsonDocument("dept", "PAINT") } } }, "plant");
        await using var client = await PainterAsync();
        async Task<BsonArray> RunAsync(params BsonDocument[] stages) =>
            (await client.RunOkAsync(new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray(stages) }, { "cursor", new BsonDocument() } }, "plant"))["cursor"].AsDocument["firstBatch"].AsArray;

        // Equality $lookup on "n" parity would pull QA's photos; each join sees only PAINT photos.
        var joined = await RunAsync(new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "localField", "dept" }, { "foreignField", "dept" }, { "as", "same" } }));
        Assert.Equal(5, joined.Count);
        foreach (var d in joined) Assert.Equal(5, d.AsDocument["same"].AsArray.Count);
        var all = await RunAsync(new BsonDocument("$lookup", new BsonDocument { { "from", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$match", new BsonDocument("dept", "QA")) } }, { "as", "qa" } }));
        foreach (var d in all) Assert.Empty(d.AsDocument["qa"].AsArray);
        var union = await RunAsync(new BsonDocument("$unionWith", "photos"), new BsonDocument("$group", new BsonDocument { { "_id", "$dept" }, { "n", new BsonDocument("$sum", 1) } }));
        Assert.Equal("PAINT", Assert.Single(union).AsDocument["_id"].AsString);
        Assert.Equal(10, union[0].AsDocument["n"].ToInt64());
        var graph = await RunAsync(new BsonDocument("$graphLookup", new BsonDocument
        {
            { "from", "photos" }, { "startWith", "$dept" }, { "connectFromField", "dept" }, { "connectToField", "dept" }, { "as", "g" },
        }));
        foreach (var d in graph) Assert.Equal(5, d.AsDocument["g"].AsArray.Count);
        var facet = await RunAsync(new BsonDocument("$facet", new BsonDocument("u", new BsonArray { new BsonDocument("$unionWith", new BsonDocument { { "coll", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$match", new BsonDocument("_id", 2)) } } }), new BsonDocument("$count", "n") })));
        Assert.Equal(5, facet[0].AsDocument["u"].AsArray[0].AsDocument["n"].ToInt64());
        // Still refused: a source without a find privilege.
        Assert.Equal(Unauthorized, (await client.RunAsync(new BsonDocument { { "aggregate", "photos" }, { "pipeline", new BsonArray { new BsonDocument("$unionWith", "secrets") } }, { "cursor", new BsonDocument() } }, "plant"))["code"].AsInt32);
    }

    [Fact]
    public async Task The_restricted_query_still_uses_the_collections_index()
    {
        await _admin.RunOkAsync(new BsonDocument { { "createIndexes", "photos" }, { "indexes", new BsonArray { new BsonDocument { { "key", new BsonDocument { { "dept", 1 }, { "n", -1 } } }, { "name", "dept_n" } } } } }, "plant");
        await using var client = await PainterAsync();
        var explained = await client.RunOkAsync(new BsonDocument
        {
            { "explain", new BsonDocument { { "find", "photos" }, { "filter", new BsonDocument("n", new BsonDocument("$gt", 2)) }, { "sort", new BsonDocument("n", -1) } } },
            { "verbosity", "executionStats" },
        }, "plant");
        string plan = explained["queryPlanner"].AsDocument["winningPlan"].ToString();
        Assert.Contains("dept_n", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SORT", plan, StringComparison.Ordinal);
        Assert.Equal(4, explained["executionStats"].AsDocument["nReturned"].ToInt64());
    }

    [Fact]
    public async Task Inside_a_transaction_a_write_outside_the_filter_fails_the_command()
    {
        await using var client = await PainterAsync();
        var lsid = new BsonDocument("id", new BsonBinary(Guid.NewGuid().ToByteArray(), BsonBinarySubType.UuidStandard));
        long txnNumber = 1;
        BsonDocument InTransaction(BsonDocument command, bool first = false)
        {
            command.Add("lsid", lsid);
            command.Add("txnNumber", txnNumber);
            command.Add("autocommit", false);
            if (first) command.Add("startTransaction", true);
            return command;
        }
        await client.RunOkAsync(InTransaction(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument { { "_id", 40 }, { "dept", "PAINT" } } } } }, first: true), "plant");
        var refused = await client.RunAsync(InTransaction(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument { { "_id", 41 }, { "dept", "QA" } } } } }), "plant");
        Assert.Equal(Unauthorized, refused["code"].AsInt32);
        var commit = await client.RunAsync(InTransaction(new BsonDocument("commitTransaction", 1)), "admin");
        Assert.Equal(251, commit["code"].AsInt32); // NoSuchTransaction: the failed write aborted it
        Assert.Null(await StoredAsync(40));
        Assert.Null(await StoredAsync(41));

        txnNumber = 2;
        await client.RunOkAsync(InTransaction(new BsonDocument { { "insert", "photos" }, { "documents", new BsonArray { new BsonDocument { { "_id", 42 }, { "dept", "PAINT" } } } } }, first: true), "plant");
        await client.RunOkAsync(InTransaction(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument("_id", 2), Set("n", -1)) } } }), "plant");
        await client.RunOkAsync(InTransaction(new BsonDocument("commitTransaction", 1)), "admin");
        Assert.NotNull(await StoredAsync(42));
        Assert.Equal(2, (await StoredAsync(2))!["n"].AsInt32);
    }

    [Fact]
    public async Task GeoNear_keeps_its_first_place_and_gets_the_filter_in_its_query()
    {
        await _admin.RunOkAsync(new BsonDocument { { "update", "photos" }, { "updates", new BsonArray { Update(new BsonDocument(), new BsonArray { new BsonDocument("$set", new BsonDocument("loc", new BsonDocument { { "type", "Point" }, { "coordinates", new BsonArray { "$n", 0 } } })) }, multi: true) } } }, "plant");
        await _admin.RunOkAsync(new BsonDocument { { "createIndexes", "photos" }, { "indexes", new BsonArray { new BsonDocument { { "key", new BsonDocument("loc", "2dsphere") }, { "name", "loc" } } } } }, "plant");
        await using var client = await PainterAsync();
        var near = await client.RunOkAsync(new BsonDocument
        {
            { "aggregate", "photos" },
            { "pipeline", new BsonArray { new BsonDocument("$geoNear", new BsonDocument { { "near", new BsonDocument { { "type", "Point" }, { "coordinates", new BsonArray { 2, 0 } } } }, { "distanceField", "d" }, { "query", new BsonDocument("n", new BsonDocument("$lte", 6)) } }) } },
            { "cursor", new BsonDocument() },
        }, "plant");
        Assert.Equal([1, 3, 5], Ids(near).Order().ToList());
        Assert.Equal(5, Ids(near)[2]); // farthest of the three from (2, 0)
    }
}
