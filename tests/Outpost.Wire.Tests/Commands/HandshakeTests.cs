using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Compression;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public sealed class HandshakeTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = TestServer.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Legacy_isMaster_over_OP_QUERY_reports_a_replica_set_primary()
    {
        await using var client = await _server.ConnectAsync();
        var query = new BsonDocument { { "ismaster", 1 }, { "helloOk", true }, { "client", new BsonDocument("application", new BsonDocument("name", "t")) }, { "compression", new BsonArray { "zstd", "zlib", "snappy" } } };
        await client.Raw.SendRawAsync(RawWireClient.BuildQuery("admin.$cmd", BsonSerializer.Serialize(query), 5));
        var reply = await client.Raw.ReceiveAsync();
        Assert.Equal(OpCode.Reply, reply.Header.OpCode);
        var doc = BsonSerializer.Deserialize(reply.Body);
        Assert.True(doc["ismaster"].AsBoolean);
        Assert.False(doc["secondary"].AsBoolean);
        Assert.Equal("rs0", doc["setName"].AsString);
        Assert.Equal("localhost:27017", doc["me"].AsString);
        Assert.Equal("localhost:27017", doc["primary"].AsString);
        Assert.Equal(new BsonArray { "localhost:27017" }, doc["hosts"]);
        Assert.Equal(21, doc["maxWireVersion"].AsInt32);
        Assert.Equal(0, doc["minWireVersion"].AsInt32);
        Assert.Equal(16 * 1024 * 1024, doc["maxBsonObjectSize"].AsInt32);
        Assert.Equal(48_000_000, doc["maxMessageSizeBytes"].AsInt32);
        Assert.Equal(100_000, doc["maxWriteBatchSize"].AsInt32);
        Assert.Equal(30, doc["logicalSessionTimeoutMinutes"].AsInt32);
        Assert.True(doc["helloOk"].AsBoolean);
        // The client's order, restricted to what the server offers (zstd needs libzstd on the host).
        Assert.Equal(ZstdCodec.IsAvailable ? new BsonArray { "zstd", "zlib", "snappy" } : new BsonArray { "zlib", "snappy" }, doc["compression"]);
        Assert.True(doc["topologyVersion"].AsDocument["processId"].IsObjectId);
        Assert.True(doc["electionId"].IsObjectId);
        Assert.True(doc["lastWrite"].AsDocument.Contains("opTime"));
        Assert.True(doc.Contains("$clusterTime"));
        Assert.True(doc.Contains("operationTime"));
        Assert.Equal(1.0, doc["ok"].ToDouble());
    }

    [Fact]
    public async Task Hello_over_OP_MSG_uses_isWritablePrimary()
    {
        await using var client = await _server.ConnectAsync();
        var doc = await client.RunOkAsync(new BsonDocument("hello", 1));
        Assert.True(doc["isWritablePrimary"].AsBoolean);
        Assert.False(doc.Contains("ismaster"));
    }

    [Fact]
    public async Task Awaitable_hello_waits_maxAwaitTimeMS_and_exhaust_streams_replies()
    {
        await using var client = await _server.ConnectAsync();
        var first = await client.RunOkAsync(new BsonDocument("hello", 1));
        var tv = first["topologyVersion"].AsDocument;
        var started = DateTime.UtcNow;
        await client.RunOkAsync(new BsonDocument { { "hello", 1 }, { "topologyVersion", tv }, { "maxAwaitTimeMS", 300 } });
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));

        var command = new BsonDocument { { "hello", 1 }, { "topologyVersion", tv }, { "maxAwaitTimeMS", 100 }, { "$db", "admin" } };
        await client.Raw.SendRawAsync(client.Raw.BuildMsg(BsonSerializer.Serialize(command), OpMsgFlags.ExhaustAllowed));
        for (int i = 0; i < 3; i++)
        {
            var streamed = await client.Raw.ReceiveAsync();
            Assert.True((streamed.Flags & OpMsgFlags.MoreToCome) != 0);
            Assert.True(BsonSerializer.Deserialize(streamed.Body)["isWritablePrimary"].AsBoolean);
        }
    }

    [Fact]
    public async Task Compressed_commands_are_answered_compressed()
    {
        await using var client = await _server.ConnectAsync();
        var ping = BsonSerializer.Serialize(new BsonDocument { { "ping", 1 }, { "$db", "admin" } });
        await client.Raw.SendRawAsync(RawWireClient.Compress(client.Raw.BuildMsg(ping), CompressorId.Snappy));
        var reply = await client.Raw.ReceiveAsync();
        Assert.Equal(CompressorId.Snappy, reply.Compressor);
        Assert.Equal(1.0, BsonSerializer.Deserialize(reply.Body)["ok"].ToDouble());
    }

    [Fact]
    public async Task Unknown_commands_fail_with_CommandNotFound()
    {
        await using var client = await _server.ConnectAsync();
        var reply = await client.RunAsync(new BsonDocument("frobnicate", 1));
        Assert.Equal(0.0, reply["ok"].ToDouble());
        Assert.Equal(59, reply["code"].AsInt32);
        Assert.Equal("CommandNotFound", reply["codeName"].AsString);
        Assert.Equal("no such command: 'frobnicate'", reply["errmsg"].AsString);
    }

    [Fact]
    public async Task Malformed_BSON_closes_only_that_connection()
    {
        await using var bad = await _server.ConnectAsync();
        await using var good = await _server.ConnectAsync();
        // A document whose element type byte is invalid (0x7A) but whose outer length is right.
        byte[] body = [12, 0, 0, 0, 0x7A, (byte)'a', 0, 1, 0, 0, 0, 0];
        await bad.Raw.SendRawAsync(bad.Raw.BuildMsg(body));
        Assert.True(await bad.Raw.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await good.RunOkAsync(new BsonDocument("ping", 1));
    }

    [Fact]
    public async Task BuildInfo_and_getParameter_satisfy_test_runners()
    {
        await using var client = await _server.ConnectAsync();
        var build = await client.RunOkAsync(new BsonDocument("buildInfo", 1));
        Assert.StartsWith("7.0.", build["version"].AsString);
        Assert.True(build["versionArray"].AsArray.Count >= 3);
        Assert.Empty(build["modules"].AsArray);
        Assert.True(build.Contains("gitVersion"));
        Assert.True(build.Contains("storageEngines"));
        Assert.False(build.Contains("dataLake"));
        var all = await client.RunOkAsync(new BsonDocument("getParameter", "*"));
        Assert.Equal("7.0", all["featureCompatibilityVersion"].AsDocument["version"].AsString);
        Assert.False(all["requireApiVersion"].AsBoolean);
        var one = await client.RunOkAsync(new BsonDocument { { "getParameter", 1 }, { "featureCompatibilityVersion", 1 } });
        Assert.Equal(2 + 2, one.ElementCount); // fcv, ok, $clusterTime, operationTime
        await client.RunOkAsync(new BsonDocument { { "setParameter", 1 }, { "logLevel", 1 } });
        Assert.Equal(1, (await client.RunOkAsync(new BsonDocument { { "getParameter", 1 }, { "logLevel", 1 } }))["logLevel"].AsInt32);
    }

    [Fact]
    public async Task ServerStatus_counts_connections_and_commands()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument("ping", 1));
        var status = await client.RunOkAsync(new BsonDocument("serverStatus", 1));
        Assert.True(status["connections"].AsDocument["current"].AsInt32 >= 1);
        Assert.True(status["opcounters"].AsDocument["command"].ToInt64() >= 1);
        Assert.True(status["mem"].AsDocument["resident"].ToInt64() > 0);
        Assert.True(status["uptime"].ToDouble() >= 0);
        Assert.Equal(1000 - status["connections"].AsDocument["current"].AsInt32, status["connections"].AsDocument["available"].AsInt32);
        var network = status["network"].AsDocument;
        Assert.Equal(2, network["numRequests"].ToInt64()); // the ping and this serverStatus, on a server of its own
        Assert.Equal(network["bytesIn"].ToInt64(), network["physicalBytesIn"].ToInt64()); // nothing compressed
        Assert.True(network["bytesIn"].ToInt64() > 0 && network["bytesOut"].ToInt64() > 0);
    }

    [Fact]
    public async Task WhatsMyUri_and_connectionStatus()
    {
        await using var client = await _server.ConnectAsync();
        Assert.StartsWith("127.0.0.1:", (await client.RunOkAsync(new BsonDocument("whatsmyuri", 1)))["you"].AsString);
        var status = await client.RunOkAsync(new BsonDocument("connectionStatus", 1));
        Assert.Empty(status["authInfo"].AsDocument["authenticatedUsers"].AsArray);
    }
}
