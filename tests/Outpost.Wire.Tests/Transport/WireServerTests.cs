using System.Net;
using Outpost.Wire.Compression;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Transport;

public sealed class WireServerTests : IAsyncLifetime
{
    private readonly EchoHandler _handler = new();
    private WireServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = new WireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), MaxMessageSize = 1 << 20, MaxConnections = 50 }, _handler);
        _server.Start();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private Task<RawWireClient> Connect() => RawWireClient.ConnectAsync(_server.LocalEndPoint);

    [Fact]
    public async Task Echoes_an_OP_MSG_with_responseTo_set()
    {
        await using var client = await Connect();
        await client.SendRawAsync(client.BuildMsg(RawBson.Int32Doc("ping", 1)));
        var reply = await client.ReceiveAsync();
        Assert.Equal(OpCode.Msg, reply.Header.OpCode);
        Assert.Equal(client.LastRequestId, reply.Header.ResponseTo);
        Assert.Equal(RawBson.Int32Doc("ping", 1), reply.Body);
    }

    [Fact]
    public async Task Replies_to_OP_QUERY_with_OP_REPLY()
    {
        await using var client = await Connect();
        await client.SendRawAsync(RawWireClient.BuildQuery("admin.$cmd", RawBson.Int32Doc("isMaster", 1), 42));
        var reply = await client.ReceiveAsync();
        Assert.Equal(OpCode.Reply, reply.Header.OpCode);
        Assert.Equal(42, reply.Header.ResponseTo);
        Assert.Equal(RawBson.Int32Doc("isMaster", 1), reply.Body);
    }

    [Fact]
    public async Task Checksummed_requests_get_checksummed_replies()
    {
        await using var client = await Connect();
        await client.SendRawAsync(client.BuildMsg(RawBson.Int32Doc("ping", 1), OpMsgFlags.ChecksumPresent));
        var reply = await client.ReceiveAsync();
        Assert.True(reply.ChecksumValid);
    }

    [Fact]
    public async Task A_bad_checksum_closes_only_that_connection()
    {
        await using var bad = await Connect();
        await using var good = await Connect();
        byte[] frame = bad.BuildMsg(RawBson.Int32Doc("ping", 1), OpMsgFlags.ChecksumPresent);
        frame[^1] ^= 1;
        await bad.SendRawAsync(frame);
        Assert.True(await bad.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(RawBson.Int32Doc("ping", 2), await good.SendMsgAsync(RawBson.Int32Doc("ping", 2)));
    }

    [Theory]
    [InlineData(CompressorId.Snappy)]
    [InlineData(CompressorId.Zlib)]
    [InlineData(CompressorId.Zstd)]
    public async Task Compressed_requests_get_replies_with_the_same_compressor(CompressorId compressor)
    {
        Assert.SkipWhen(compressor == CompressorId.Zstd && !ZstdCodec.IsAvailable, "libzstd is not installed");
        await using var client = await Connect();
        await client.SendRawAsync(RawWireClient.Compress(client.BuildMsg(RawBson.Int32Doc("ping", 1)), compressor));
        var reply = await client.ReceiveAsync();
        Assert.Equal(compressor, reply.Compressor);
        Assert.Equal(RawBson.Int32Doc("ping", 1), reply.Body);
    }

    [Fact]
    public async Task Document_sequences_reach_the_handler()
    {
        await using var client = await Connect();
        await client.SendRawAsync(client.BuildMsg(RawBson.Int32Doc("insert", 1), sequences: [("documents", [RawBson.Int32Doc("a", 1), RawBson.Int32Doc("a", 2)])]));
        await client.ReceiveAsync();
        var seen = _handler.Seen.Last();
        Assert.Equal("documents", seen.Sequences.Single().Id);
        Assert.Equal(2, seen.Sequences.Single().Docs.Length);
    }

    [Fact]
    public async Task MoreToCome_requests_get_no_reply_and_exhaust_streams_several()
    {
        await using var client = await Connect();
        await client.SendRawAsync(client.BuildMsg(RawBson.Int32Doc("fireAndForget", 1), OpMsgFlags.MoreToCome));
        await client.SendRawAsync(client.BuildMsg(RawBson.Int32Doc("stream", 1), OpMsgFlags.ExhaustAllowed,
            [("docs", [RawBson.Int32Doc("n", 1), RawBson.Int32Doc("n", 2), RawBson.Int32Doc("n", 3)])]));
        var r1 = await client.ReceiveAsync();
        var r2 = await client.ReceiveAsync();
        var r3 = await client.ReceiveAsync();
        Assert.Equal(RawBson.Int32Doc("n", 1), r1.Body);
        Assert.True((r1.Flags & OpMsgFlags.MoreToCome) != 0);
        Assert.True((r2.Flags & OpMsgFlags.MoreToCome) != 0);
        Assert.False((r3.Flags & OpMsgFlags.MoreToCome) != 0);
        Assert.Equal(RawBson.Int32Doc("n", 3), r3.Body);
        Assert.Contains(_handler.Seen, s => s.Body.SequenceEqual(RawBson.Int32Doc("fireAndForget", 1)));
    }

    [Fact]
    public async Task Oversized_message_closes_the_connection_before_it_is_buffered()
    {
        await using var client = await Connect();
        byte[] header = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header, (1 << 20) + 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), (int)OpCode.Msg);
        await client.SendRawAsync(header);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Connection_limit_refuses_extra_connections()
    {
        var handler = new EchoHandler();
        await using var server = new WireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), MaxConnections = 1 }, handler);
        server.Start();
        await using var first = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(RawBson.Int32Doc("a", 1), await first.SendMsgAsync(RawBson.Int32Doc("a", 1)));
        await using var second = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.True(await second.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(RawBson.Int32Doc("a", 2), await first.SendMsgAsync(RawBson.Int32Doc("a", 2)));
    }

    [Fact]
    public async Task Random_garbage_on_many_connections_never_disturbs_a_well_behaved_client()
    {
        await using var good = await Connect();
        var random = new Random(1234);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        for (int round = 0; round < 40 && DateTime.UtcNow < deadline; round++)
        {
            var tasks = new List<Task>();
            for (int c = 0; c < 4; c++)
            {
                byte[] garbage = MakeGarbage(random, good);
                tasks.Add(Task.Run(async () =>
                {
                    await using var evil = await Connect();
                    try
                    {
                        await evil.SendRawAsync(garbage);
                        await evil.IsClosedByServerAsync(TimeSpan.FromMilliseconds(50));
                    }
                    catch (IOException)
                    {
                    }
                }, TestContext.Current.CancellationToken));
            }
            await Task.WhenAll(tasks);
            Assert.Equal(RawBson.Int32Doc("round", round), await good.SendMsgAsync(RawBson.Int32Doc("round", round)));
        }
        // Every misbehaving connection is gone; none leaked.
        await Task.Delay(200, TestContext.Current.CancellationToken);
        Assert.Equal(1, _server.ConnectionCount);
    }

    private static byte[] MakeGarbage(Random random, RawWireClient builder)
    {
        switch (random.Next(5))
        {
            case 0: // pure noise
                byte[] noise = new byte[random.Next(1, 200)];
                random.NextBytes(noise);
                return noise;
            case 1: // valid frame, truncated
                byte[] frame = builder.BuildMsg(RawBson.Int32Doc("ping", 1));
                return frame[..random.Next(1, frame.Length)];
            case 2: // valid header, corrupted body
                byte[] f = builder.BuildMsg(RawBson.Int32Doc("ping", 1));
                for (int i = 20; i < f.Length; i++) if (random.Next(3) == 0) f[i] = (byte)random.Next(256);
                return f;
            case 3: // compressed frame with a corrupted payload
                byte[] c = RawWireClient.Compress(builder.BuildMsg(RawBson.Int32Doc("ping", 1)), random.Next(2) == 0 ? CompressorId.Snappy : CompressorId.Zlib);
                for (int i = 25; i < c.Length; i++) if (random.Next(2) == 0) c[i] = (byte)random.Next(256);
                return c;
            default: // huge declared length
                byte[] h = new byte[16];
                System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(h, random.Next(int.MaxValue / 2, int.MaxValue));
                return h;
        }
    }
}
