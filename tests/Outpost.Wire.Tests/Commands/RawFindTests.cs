using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Buffers;
using Outpost.Wire.Commands.Queries;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

/// <summary>
/// find-by-_id replies with the stored bytes (RawCursorReply) instead of decoding and re-encoding the document: the
/// reply must be byte for byte the one the DOM path builds, and every find the fast path does not cover must still
/// take the general path.
/// </summary>
public sealed class RawFindTests : IAsyncLifetime
{
    private EngineTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await EngineTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(true, "bench.photos")]
    [InlineData(false, "bench.photos")]
    [InlineData(true, "bänch.föö")]
    public void The_raw_reply_is_the_bytes_of_the_DOM_reply(bool found, string ns)
    {
        var doc = new BsonDocument { { "_id", ObjectId.Parse("65f000000000000000000001") }, { "a", new BsonArray { 1, "x", new BsonDocument("b", 2.5) } }, { "s", "ü" } };
        var time = new BsonTimestamp(1_700_000_000, 7);
        byte[]? stored = found ? BsonSerializer.Serialize(doc) : null;

        using var raw = new PooledBufferWriter(64);
        new RawCursorReply(stored, ns).Write(raw, time);

        var expected = CursorReplies.Reply("firstBatch", found ? [doc] : [], 0, ns, null);
        expected.Add("$clusterTime", new BsonDocument { { "clusterTime", time }, { "signature", new BsonDocument { { "hash", new BsonBinary(new byte[20]) }, { "keyId", 0L } } } });
        expected.Add("operationTime", time);
        Assert.Equal(BsonSerializer.Serialize(expected), raw.WrittenSpan.ToArray());
        Assert.Equal(CursorReplies.Reply("firstBatch", found ? [doc] : [], 0, ns, null), new RawCursorReply(stored, ns).ToDocument());
    }

    [Fact]
    public async Task Find_by_id_matches_the_general_path_and_what_it_does_not_cover_still_works()
    {
        await using var client = await _server.ConnectAsync();
        var docs = new BsonArray();
        for (int i = 0; i < 5; i++) docs.Add(new BsonDocument { { "_id", i }, { "v", i * 10 }, { "tags", new BsonArray { "a", i } } });
        await client.RunOkAsync(new BsonDocument { { "insert", "c" }, { "documents", docs } }, "t");
        await client.RunOkAsync(new BsonDocument { { "create", "v" }, { "viewOn", "c" }, { "pipeline", new BsonArray { new BsonDocument("$match", new BsonDocument("v", new BsonDocument("$gte", 20))) } } }, "t");

        async Task<BsonDocument> Find(BsonDocument command, string db = "t")
        {
            var reply = await client.RunOkAsync(command, db);
            return reply["cursor"].AsDocument;
        }

        var lsid = new BsonDocument("id", new BsonBinary(Guid.NewGuid().ToByteArray(), BsonBinarySubType.UuidStandard));
        // The driver's findOne, with a session.
        var fast = await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 3) }, { "limit", 1 }, { "singleBatch", true }, { "batchSize", 1 }, { "lsid", lsid } });
        var general = await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", new BsonDocument("$in", new BsonArray { 3 })) }, { "limit", 1 }, { "singleBatch", true } });
        Assert.Equal(general, fast);
        Assert.Equal(0L, fast["id"].ToInt64());
        Assert.Equal("t.c", fast["ns"].AsString);
        Assert.Equal(docs[3], fast["firstBatch"].AsArray.Single());

        // Equal numeric _id of another type, no match, missing collection.
        Assert.Equal(docs[2], (await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 2.0) } }))["firstBatch"].AsArray.Single());
        Assert.Empty((await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 99) } }))["firstBatch"].AsArray);
        Assert.Empty((await Find(new BsonDocument { { "find", "nothere" }, { "filter", new BsonDocument("_id", 1) } }))["firstBatch"].AsArray);

        // Not covered: a projection, batchSize 0 (an open cursor), a view.
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "v", 10 } },
            (await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 1) }, { "projection", new BsonDocument("v", 1) } }))["firstBatch"].AsArray.Single());
        var open = await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 1) }, { "batchSize", 0 } });
        Assert.Empty(open["firstBatch"].AsArray);
        Assert.NotEqual(0L, open["id"].ToInt64());
        var more = (await client.RunOkAsync(new BsonDocument { { "getMore", open["id"] }, { "collection", "c" } }, "t"))["cursor"].AsDocument;
        Assert.Equal(docs[1], more["nextBatch"].AsArray.Single());
        Assert.Empty((await Find(new BsonDocument { { "find", "v" }, { "filter", new BsonDocument("_id", 1) } }))["firstBatch"].AsArray);
        Assert.Equal(docs[4], (await Find(new BsonDocument { { "find", "v" }, { "filter", new BsonDocument("_id", 4) } }))["firstBatch"].AsArray.Single());

        // Inside a transaction the find sees the transaction's own uncommitted write.
        await client.RunOkAsync(new BsonDocument
        {
            { "update", "c" }, { "updates", new BsonArray { new BsonDocument { { "q", new BsonDocument("_id", 0) }, { "u", new BsonDocument("$set", new BsonDocument("v", -1)) } } } },
            { "lsid", lsid }, { "txnNumber", 1L }, { "startTransaction", true }, { "autocommit", false },
        }, "t");
        var inTxn = await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 0) }, { "lsid", lsid }, { "txnNumber", 1L }, { "autocommit", false } });
        Assert.Equal(-1, inTxn["firstBatch"].AsArray.Single().AsDocument["v"].AsInt32);
        Assert.Equal(0, (await Find(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", 0) } }))["firstBatch"].AsArray.Single().AsDocument["v"].AsInt32);
        await client.RunOkAsync(new BsonDocument { { "abortTransaction", 1 }, { "lsid", lsid }, { "txnNumber", 1L }, { "autocommit", false } }, "admin");
    }

    [Fact]
    public async Task A_write_concern_error_failpoint_still_amends_a_raw_find_reply()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument { { "insert", "w" }, { "documents", new BsonArray { new BsonDocument { { "_id", 1 }, { "x", "y" } } } } }, "t");
        await client.RunOkAsync(new BsonDocument
        {
            { "configureFailPoint", "failCommand" }, { "mode", new BsonDocument("times", 1) },
            { "data", new BsonDocument { { "failCommands", new BsonArray { "find" } }, { "writeConcernError", new BsonDocument { { "code", 91 }, { "errmsg", "shutting down" } } } } },
        }, "admin");
        var reply = await client.RunOkAsync(new BsonDocument { { "find", "w" }, { "filter", new BsonDocument("_id", 1) } }, "t");
        Assert.Equal(91, reply["writeConcernError"].AsDocument["code"].AsInt32);
        Assert.Equal(new BsonDocument { { "_id", 1 }, { "x", "y" } }, reply["cursor"].AsDocument["firstBatch"].AsArray.Single());
        Assert.True(reply.Contains("$clusterTime"));
    }
}
