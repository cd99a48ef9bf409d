using System.Buffers.Binary;
using System.Net;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Compression;
using Outpost.Wire.Tests.Support;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Transport;

/// <summary>
/// Framing in every connection mode (adaptive, a thread per connection with blocking calls, pipes on the thread pool): frames
/// split across reads or packed into one, frames far larger than the starting buffer, and a graceful stop.
/// </summary>
public sealed class ConnectionModeTests
{
    private static async Task<(WireServer Server, EchoHandler Handler)> StartAsync(WireTransportMode mode)
    {
        var handler = new EchoHandler();
        var server = new WireServer(new WireServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            MaxMessageSize = 8 << 20,
            Transport = mode,
        }, handler);
        server.Start();
        await Task.Yield();
        return (server, handler);
    }

    private static byte[] Doc(int n, int padding = 0) =>
        BsonSerializer.Serialize(new BsonDocument { { "n", n }, { "pad", new string('x', padding) } });

    [Theory]
    [InlineData(WireTransportMode.Adaptive)]
    [InlineData(WireTransportMode.Threads)]
    [InlineData(WireTransportMode.Pipes)]
    public async Task Frames_split_into_single_bytes_or_packed_together_are_answered_in_order(WireTransportMode mode)
    {
        var (server, _) = await StartAsync(mode);
        await using var _ = server;
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);

        byte[] first = client.BuildMsg(Doc(1));
        foreach (byte b in first) await client.SendRawAsync([b]);
        Assert.Equal(Doc(1), (await client.ReceiveAsync()).Body);

        byte[] packed = [.. client.BuildMsg(Doc(2)), .. client.BuildMsg(Doc(3)), .. client.BuildMsg(Doc(4))];
        await client.SendRawAsync(packed);
        for (int n = 2; n <= 4; n++) Assert.Equal(Doc(n), (await client.ReceiveAsync()).Body);
    }

    [Theory]
    [InlineData(WireTransportMode.Adaptive)]
    [InlineData(WireTransportMode.Threads)]
    [InlineData(WireTransportMode.Pipes)]
    public async Task A_frame_much_larger_than_the_buffer_arrives_whole_and_the_next_small_one_too(WireTransportMode mode)
    {
        var (server, _) = await StartAsync(mode);
        await using var _ = server;
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);

        byte[] large = Doc(1, 3_000_000);
        byte[] small = Doc(2);
        // The small frame starts inside the same write as the end of the large one.
        await client.SendRawAsync([.. client.BuildMsg(large), .. client.BuildMsg(small)]);
        Assert.Equal(large, (await client.ReceiveAsync(TimeSpan.FromSeconds(30))).Body);
        Assert.Equal(small, (await client.ReceiveAsync()).Body);
        await client.SendRawAsync(client.BuildMsg(Doc(3, 100_000)));
        Assert.Equal(Doc(3, 100_000), (await client.ReceiveAsync()).Body);
    }

    [Theory]
    [InlineData(WireTransportMode.Adaptive)]
    [InlineData(WireTransportMode.Threads)]
    [InlineData(WireTransportMode.Pipes)]
    public async Task A_graceful_stop_closes_idle_connections_and_reports_them_closed(WireTransportMode mode)
    {
        var (server, handler) = await StartAsync(mode);
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(1), await client.SendMsgAsync(Doc(1)));

        var stop = server.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await stop.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(1, Volatile.Read(ref handler.Closed));
        Assert.Equal(0, server.ConnectionCount);
        await server.DisposeAsync();
    }
    [Theory]
    [InlineData(WireTransportMode.Adaptive)]
    [InlineData(WireTransportMode.Threads)]
    [InlineData(WireTransportMode.Pipes)]
    public async Task Traffic_counts_each_request_and_reply_in_logical_and_physical_bytes(WireTransportMode mode)
    {
        var (server, _) = await StartAsync(mode);
        await using var _ = server;
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        byte[] plain = client.BuildMsg(Doc(1, 1000));
        byte[] compressed = RawWireClient.Compress(client.BuildMsg(Doc(2, 50_000)), CompressorId.Zlib);
        int compressedLogical = 16 + BinaryPrimitives.ReadInt32LittleEndian(compressed.AsSpan(20)); // header + uncompressedSize

        await client.SendRawAsync(plain);
        var first = await client.ReceiveAsync();
        await client.SendRawAsync(compressed);
        var second = await client.ReceiveAsync();

        var traffic = server.Traffic;
        Assert.Equal(2, traffic.Requests);
        Assert.Equal(plain.Length + compressed.Length, traffic.PhysicalBytesIn);
        Assert.Equal(plain.Length + compressedLogical, traffic.BytesIn);
        Assert.Equal(first.Header.MessageLength + second.Header.MessageLength, traffic.BytesOut); // decompressed lengths
        Assert.Equal(first.FrameLength + second.FrameLength, traffic.PhysicalBytesOut);
        Assert.Equal(CompressorId.Zlib, second.Compressor);
        Assert.True(traffic.PhysicalBytesOut < traffic.BytesOut / 4, "the zlib reply of 50 KB of padding is sent compressed");
    }
}
