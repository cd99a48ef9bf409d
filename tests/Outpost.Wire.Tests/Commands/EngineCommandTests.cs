using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public sealed class EngineCommandTests : IAsyncLifetime
{
    private EngineTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await EngineTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static BsonDocument Lsid() => new("id", BsonBinary.FromGuid(Guid.NewGuid()));

    [Fact]
    public async Task Insert_via_kind1_sequence_then_find_and_getMore_over_batches()
    {
        await using var client = await _server.ConnectAsync();
        var docs = Enumerable.Range(0, 25).Select(i => BsonSerializer.Serialize(new BsonDocument { { "_id", i }, { "v", i * 2 } })).ToArray();
        var insert = BsonSerializer.Serialize(new BsonDocument { { "insert", "c" }, { "$db", "t" } });
        await client.Raw.SendRawAsync(client.Raw.BuildMsg(insert, sequences: [("documents", docs)]));
        var inserted = BsonSerializer.Deserialize((await client.Raw.ReceiveAsync()).Body);
        Assert.Equal(25, inserted["n"].AsInt32);

        var first = await client.RunOkAsync(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument() }, { "sort", new BsonDocument("_id", 1) }, { "batchSize", 10 } }, "t");
        var cursor = first["cursor"].AsDocument;
        Assert.Equal("t.c", cursor["ns"].AsString);
        Assert.Equal(10, cursor["firstBatch"].AsArray.Count);
        long id = cursor["id"].AsInt64;
        Assert.NotEqual(0, id);
        var seen = cursor["firstBatch"].AsArray.Count;
        while (id != 0)
        {
            var more = (await client.RunOkAsync(new BsonDocument { { "getMore", id }, { "collection", "c" }, { "batchSize", 10 } }, "t"))["cursor"].AsDocument;
            seen += more["nextBatch"].AsArray.Count;
            id = more["id"].AsInt64;
        }
        Assert.Equal(25, seen);
        var gone = await client.RunAsync(new BsonDocument { { "getMore", first["cursor"].AsDocument["id"] }, { "collection", "c" } }, "t");
        Assert.Equal(43, gone["code"].AsInt32);
    }

    [Fact]
    public async Task KillCursors_reports_killed_and_not_found()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument { { "insert", "k" }, { "documents", new BsonArray(Enumerable.Range(0, 5).Select(i => (BsonValue)new BsonDocument("_id", i))) } }, "t");
        var first = await client.RunOkAsync(new BsonDocument { { "find", "k" }, { "batchSize", 1 } }, "t");
        long id = first["cursor"].AsDocument["id"].AsInt64;
        var reply = await client.RunOkAsync(new BsonDocument { { "killCursors", "k" }, { "cursors", new BsonArray { id, 12345L } } }, "t");
        Assert.Equal(new BsonArray { id }, reply["cursorsKilled"]);
        Assert.Equal(new BsonArray { 12345L }, reply["cursorsNotFound"]);
    }

    [Fact]
    public async Task Duplicate_key_is_a_write_error_with_index_keyPattern_and_keyValue()
    {
        await using var client = await _server.ConnectAsync();
        var reply = await client.RunOkAsync(new BsonDocument
        {
            { "insert", "d" }, { "ordered", false },
            { "documents", new BsonArray { new BsonDocument("_id", 1), new BsonDocument("_id", 1), new BsonDocument("_id", 2) } },
        }, "t");
        Assert.Equal(2, reply["n"].AsInt32);
        var error = reply["writeErrors"].AsArray.Single().AsDocument;
        Assert.Equal(1, error["index"].AsInt32);
        Assert.Equal(11000, error["code"].AsInt32);
        Assert.Equal(new BsonDocument("_id", 1), error["keyPattern"]);
        Assert.Equal(new BsonDocument("_id", 1), error["keyValue"]);
    }

    [Fact]
    public async Task A_retried_write_with_the_same_lsid_and_txnNumber_is_applied_once_and_returns_the_first_reply()
    {
        await using var client = await _server.ConnectAsync();
        var lsid = Lsid();
        var update = new BsonDocument
        {
            { "update", "r" }, { "lsid", lsid }, { "txnNumber", 1L },
            { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 1) }, { "u", new BsonDocument("$inc", new BsonDocument("n", 1)) }, { "upsert", true } } } },
        };
        var first = await client.RunOkAsync(update, "t");
        var retry = await client.RunOkAsync(update, "t");
        Assert.Equal(first["n"], retry["n"]);
        Assert.Equal(first["upserted"], retry["upserted"]);
        var found = await client.RunOkAsync(new BsonDocument { { "find", "r" }, { "filter", new BsonDocument("_id", 1) } }, "t");
        Assert.Equal(1, found["cursor"].AsDocument["firstBatch"].AsArray[0].AsDocument["n"].ToInt64());
        update.Set("txnNumber", 2L);
        await client.RunOkAsync(update, "t");
        update.Set("txnNumber", 1L);
        var old = await client.RunAsync(update, "t");
        Assert.Equal(225, old["code"].AsInt32);
    }

    [Fact]
    public async Task WriteConcernError_failpoint_on_a_retryable_write_adds_the_RetryableWriteError_label()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument
        {
            { "configureFailPoint", "failCommand" }, { "mode", new BsonDocument("times", 1) },
            { "data", new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "writeConcernError", new BsonDocument { { "code", 91 }, { "errmsg", "shutdown" } } } } },
        });
        var reply = await client.RunOkAsync(new BsonDocument { { "insert", "w" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } }, { "lsid", Lsid() }, { "txnNumber", 1L } }, "t");
        Assert.Equal(1, reply["n"].AsInt32);
        Assert.Equal(91, reply["writeConcernError"].AsDocument["code"].AsInt32);
        Assert.Equal(new BsonArray { "RetryableWriteError" }, reply["errorLabels"]);
    }

    [Fact]
    public async Task Retryable_error_failpoint_labels_writes_with_txnNumber_only()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument
        {
            { "configureFailPoint", "failCommand" }, { "mode", new BsonDocument("times", 2) },
            { "data", new BsonDocument { { "failCommands", new BsonArray { "insert" } }, { "errorCode", 10107 } } },
        });
        var retryable = await client.RunAsync(new BsonDocument { { "insert", "l" }, { "documents", new BsonArray { new BsonDocument() } }, { "lsid", Lsid() }, { "txnNumber", 1L } }, "t");
        Assert.Equal(new BsonArray { "RetryableWriteError" }, retryable["errorLabels"]);
        var plain = await client.RunAsync(new BsonDocument { { "insert", "l" }, { "documents", new BsonArray { new BsonDocument() } } }, "t");
        Assert.Equal(10107, plain["code"].AsInt32);
        Assert.False(plain.Contains("errorLabels"));
    }

    [Fact]
    public async Task Transactions_commit_abort_and_label_errors()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument("create", "tx"), "t");
        var lsid = Lsid();
        BsonDocument InTxn(BsonDocument command, long txn, bool start = false)
        {
            command.Add("lsid", lsid);
            command.Add("txnNumber", txn);
            if (start) command.Add("startTransaction", true);
            command.Add("autocommit", false);
            return command;
        }
        await client.RunOkAsync(InTxn(new BsonDocument { { "insert", "tx" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } } }, 1, start: true), "t");
        var outside = await client.RunOkAsync(new BsonDocument { { "count", "tx" } }, "t");
        Assert.Equal(0, outside["n"].AsInt32);
        await client.RunOkAsync(InTxn(new BsonDocument("commitTransaction", 1), 1));
        await client.RunOkAsync(InTxn(new BsonDocument("commitTransaction", 1), 1)); // retried commit succeeds
        Assert.Equal(1, (await client.RunOkAsync(new BsonDocument { { "count", "tx" } }, "t"))["n"].AsInt32);

        await client.RunOkAsync(InTxn(new BsonDocument { { "insert", "tx" }, { "documents", new BsonArray { new BsonDocument("_id", 2) } } }, 2, start: true), "t");
        await client.RunOkAsync(InTxn(new BsonDocument("abortTransaction", 1), 2));
        Assert.Equal(1, (await client.RunOkAsync(new BsonDocument { { "count", "tx" } }, "t"))["n"].AsInt32);

        var noTxn = await client.RunAsync(InTxn(new BsonDocument { { "find", "tx" } }, 7), "t");
        Assert.Equal(251, noTxn["code"].AsInt32);
        Assert.Equal(new BsonArray { "TransientTransactionError" }, noTxn["errorLabels"]);
    }

    [Fact]
    public async Task A_transaction_command_that_overtakes_its_startTransaction_waits_for_it()
    {
        // Drivers send a new transaction's first operations concurrently over two pooled connections; the one without
        // startTransaction may reach the server first.
        await using var a = await _server.ConnectAsync();
        await using var b = await _server.ConnectAsync();
        await a.RunOkAsync(new BsonDocument { { "insert", "race" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } } }, "t");
        var lsid = Lsid();
        var early = b.RunAsync(new BsonDocument { { "find", "race" }, { "lsid", lsid }, { "txnNumber", 3L }, { "autocommit", false } }, "t");
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.False(early.IsCompleted);
        await a.RunOkAsync(new BsonDocument { { "find", "race" }, { "lsid", lsid }, { "txnNumber", 3L }, { "startTransaction", true }, { "autocommit", false } }, "t");
        var reply = await early;
        Assert.Equal(1.0, reply["ok"].ToDouble());
        Assert.Single(reply["cursor"].AsDocument["firstBatch"].AsArray);
        await a.RunOkAsync(new BsonDocument { { "commitTransaction", 1 }, { "lsid", lsid }, { "txnNumber", 3L }, { "autocommit", false } });
    }

    [Fact]
    public async Task KillAllSessions_aborts_open_transactions()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument("create", "ks"), "t");
        var lsid = Lsid();
        await client.RunOkAsync(new BsonDocument { { "insert", "ks" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } }, { "lsid", lsid }, { "txnNumber", 1L }, { "startTransaction", true }, { "autocommit", false } }, "t");
        await client.RunOkAsync(new BsonDocument("killAllSessions", new BsonArray()));
        var commit = await client.RunAsync(new BsonDocument { { "commitTransaction", 1 }, { "lsid", lsid }, { "txnNumber", 1L }, { "autocommit", false } });
        Assert.Equal(251, commit["code"].AsInt32);
        Assert.Equal(0, (await client.RunOkAsync(new BsonDocument("count", "ks"), "t"))["n"].AsInt32);
    }

    [Fact]
    public async Task Catalog_and_index_commands_round_trip()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument("create", "cat"), "t");
        var created = await client.RunOkAsync(new BsonDocument { { "createIndexes", "cat" }, { "indexes", new BsonArray { new BsonDocument { { "key", new BsonDocument("a", 1) }, { "name", "a_1" }, { "unique", true } } } } }, "t");
        Assert.Equal(2, created["numIndexesAfter"].AsInt32);
        var indexes = await client.RunOkAsync(new BsonDocument("listIndexes", "cat"), "t");
        Assert.Equal(2, indexes["cursor"].AsDocument["firstBatch"].AsArray.Count);
        var collections = await client.RunOkAsync(new BsonDocument { { "listCollections", 1 }, { "nameOnly", true } }, "t");
        Assert.Contains(collections["cursor"].AsDocument["firstBatch"].AsArray, c => c.AsDocument["name"].AsString == "cat");
        await client.RunOkAsync(new BsonDocument { { "renameCollection", "t.cat" }, { "to", "t.dog" } });
        Assert.Equal(2, (await client.RunOkAsync(new BsonDocument { { "dropIndexes", "dog" }, { "index", "a_1" } }, "t"))["nIndexesWas"].AsInt32);
        var dbs = await client.RunOkAsync(new BsonDocument { { "listDatabases", 1 }, { "nameOnly", true } });
        Assert.Contains(dbs["databases"].AsArray, d => d.AsDocument["name"].AsString == "t");
        await client.RunOkAsync(new BsonDocument("drop", "dog"), "t");
        await client.RunOkAsync(new BsonDocument("dropDatabase", 1), "t");
    }

    [Fact]
    public async Task Unacknowledged_insert_with_moreToCome_is_applied_without_reply()
    {
        await using var client = await _server.ConnectAsync();
        var insert = BsonSerializer.Serialize(new BsonDocument { { "insert", "u" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } }, { "writeConcern", new BsonDocument("w", 0) }, { "$db", "t" } });
        await client.Raw.SendRawAsync(client.Raw.BuildMsg(insert, OpMsgFlags.MoreToCome));
        var count = await client.RunOkAsync(new BsonDocument("count", "u"), "t");
        Assert.Equal(1, count["n"].AsInt32);
    }
}
