using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

/// <summary>
/// insert hands its documents to the engine still encoded (from the command body's array or a kind-1 sequence): the
/// results must be those of the decoded path, and malformed documents still close only that connection.
/// </summary>
public sealed class RawInsertTests : IAsyncLifetime
{
    private EngineTestServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await EngineTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static byte[] Body(BsonDocument command) => BsonSerializer.Serialize(command);

    [Fact]
    public async Task Documents_in_the_body_get_id_first_and_generated_ids()
    {
        await using var client = await _server.ConnectAsync();
        var reply = await client.RunOkAsync(new BsonDocument
        {
            { "insert", "b" }, { "ordered", false }, { "maxTimeMS", 60_000 },
            { "documents", new BsonArray { new BsonDocument { { "v", 1 } }, new BsonDocument { { "v", 2 }, { "_id", 2 } }, new BsonDocument("_id", new BsonArray { 1 }) } },
        }, "t");
        Assert.Equal(2, reply["n"].AsInt32);
        var error = reply["writeErrors"].AsArray.Single().AsDocument;
        Assert.Equal(2, error["index"].AsInt32);
        Assert.Equal(53, error["code"].AsInt32);

        var found = (await client.RunOkAsync(new BsonDocument { { "find", "b" }, { "sort", new BsonDocument("v", 1) } }, "t"))["cursor"].AsDocument["firstBatch"].AsArray;
        Assert.Equal(2, found.Count);
        Assert.All(found, d => Assert.Equal("_id", d.AsDocument.GetElement(0).Name));
        Assert.IsType<BsonObjectId>(found[0].AsDocument["_id"]);
        Assert.Equal(new BsonDocument { { "_id", 2 }, { "v", 2 } }, found[1]);
    }

    [Fact]
    public async Task A_document_array_with_a_non_document_is_a_type_mismatch()
    {
        await using var client = await _server.ConnectAsync();
        var reply = await client.RunAsync(new BsonDocument { { "insert", "m" }, { "documents", new BsonArray { new BsonDocument("_id", 1), 5 } } }, "t");
        Assert.Equal(0.0, reply["ok"].ToDouble());
        Assert.Equal(14, reply["code"].AsInt32);
    }

    [Fact]
    public async Task A_malformed_document_closes_only_its_connection_and_writes_nothing()
    {
        await using var good = await _server.ConnectAsync();
        var bad = BsonSerializer.Serialize(new BsonDocument { { "_id", 9 }, { "s", "abc" } });
        bad[^3] = 0xFF; // invalid UTF-8 inside the string; every length is still right

        // In a kind-1 sequence (lengths checked by the parser only) and inside the body's array.
        var fine = BsonSerializer.Serialize(new BsonDocument("_id", 1));
        await using (var evil = await _server.ConnectAsync())
        {
            await evil.Raw.SendRawAsync(evil.Raw.BuildMsg(Body(new BsonDocument { { "insert", "x" }, { "$db", "t" } }), sequences: [("documents", [fine, bad])]));
            Assert.True(await evil.Raw.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        var body = Body(new BsonDocument { { "insert", "x" }, { "documents", new BsonArray { new BsonDocument("_id", 1), new BsonDocument { { "_id", 9 }, { "s", "abc" } } } }, { "$db", "t" } });
        int at = body.AsSpan().IndexOf("abc"u8);
        body[at + 1] = 0xFF;
        await using (var evil = await _server.ConnectAsync())
        {
            await evil.Raw.SendRawAsync(evil.Raw.BuildMsg(body));
            Assert.True(await evil.Raw.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        // The documents array itself malformed: an array key that is not UTF-8.
        body = Body(new BsonDocument { { "insert", "x" }, { "documents", new BsonArray { new BsonDocument("_id", 1) } }, { "$db", "t" } });
        at = body.AsSpan().IndexOf("documents\0"u8) + 10 + 4 + 1; // past the name, the array's length and the element type
        Assert.Equal((byte)'0', body[at]);
        body[at] = 0xFF;
        await using (var evil = await _server.ConnectAsync())
        {
            await evil.Raw.SendRawAsync(evil.Raw.BuildMsg(body));
            Assert.True(await evil.Raw.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }

        var count = await good.RunOkAsync(new BsonDocument("count", "x"), "t");
        Assert.Equal(0, count["n"].ToInt64());
    }

    [Fact]
    public async Task A_sequence_replaces_documents_in_the_body()
    {
        await using var client = await _server.ConnectAsync();
        var body = Body(new BsonDocument { { "insert", "s" }, { "documents", new BsonArray { new BsonDocument("_id", "body") } }, { "$db", "t" } });
        var docs = new[] { BsonSerializer.Serialize(new BsonDocument("_id", "seq1")), BsonSerializer.Serialize(new BsonDocument("_id", "seq2")) };
        await client.Raw.SendRawAsync(client.Raw.BuildMsg(body, sequences: [("documents", docs)]));
        Assert.Equal(2, BsonSerializer.Deserialize((await client.Raw.ReceiveAsync()).Body)["n"].AsInt32);
        var found = (await client.RunOkAsync(new BsonDocument { { "find", "s" }, { "sort", new BsonDocument("_id", 1) } }, "t"))["cursor"].AsDocument["firstBatch"].AsArray;
        Assert.Equal(["seq1", "seq2"], found.Select(d => d.AsDocument["_id"].AsString));
    }
}
