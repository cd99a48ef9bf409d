using System.Net;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Protocol;
using Outpost.Wire.Tests.Support;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Transport;

/// <summary>
/// The adaptive transport (docs/decisions/024): a busy connection keeps its own thread; an idle one, one whose command
/// goes asynchronous, or one beyond the thread limit continues on asynchronous socket calls, and is served the same.
/// </summary>
public sealed class AdaptiveTransportTests
{
    private static async Task<WireServer> StartAsync(IWireRequestHandler handler, TimeSpan idle, int maxThreads = 256)
    {
        var server = new WireServer(new WireServerOptions
        {
            EndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            MaxMessageSize = 8 << 20,
            Transport = WireTransportMode.Adaptive,
            ThreadIdleTimeout = idle,
            MaxConnectionThreads = maxThreads,
        }, handler);
        server.Start();
        await Task.Yield();
        return server;
    }

    private static byte[] Doc(int n, int padding = 0) =>
        BsonSerializer.Serialize(new BsonDocument { { "n", n }, { "pad", new string('x', padding) } });

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not reached in 10 s");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Sends requests (16 within a second bring a connection back to a thread) until it is on one; false after 1,000.</summary>
    private static async Task<bool> BusyUntilOnThreadAsync(WireServer server, RawWireClient client)
    {
        for (int n = 0; n < 1000; n++)
        {
            Assert.Equal(Doc(n), await client.SendMsgAsync(Doc(n)));
            if (server.ConnectionThreadCount == 1) return true;
        }
        return false;
    }

    [Fact]
    public async Task A_busy_connection_keeps_its_thread_and_an_idle_one_gives_it_back_and_is_still_served()
    {
        await using var server = await StartAsync(new EchoHandler(), TimeSpan.FromSeconds(1));
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        for (int n = 0; n < 20; n++) Assert.Equal(Doc(n), await client.SendMsgAsync(Doc(n)));
        Assert.Equal(1, server.ConnectionThreadCount);

        await WaitForAsync(() => server.ConnectionThreadCount == 0);
        Assert.Equal(1, server.ConnectionCount);
        // Off its thread: split frames, packed frames and a frame far larger than the buffer still arrive whole.
        byte[] first = client.BuildMsg(Doc(1));
        foreach (byte b in first) await client.SendRawAsync([b]);
        Assert.Equal(Doc(1), (await client.ReceiveAsync()).Body);
        byte[] large = Doc(2, 3_000_000);
        await client.SendRawAsync([.. client.BuildMsg(large), .. client.BuildMsg(Doc(3))]);
        Assert.Equal(large, (await client.ReceiveAsync(TimeSpan.FromSeconds(30))).Body);
        Assert.Equal(Doc(3), (await client.ReceiveAsync()).Body);
    }

    [Fact]
    public async Task An_idle_connection_that_becomes_busy_again_gets_a_thread_back()
    {
        await using var server = await StartAsync(new EchoHandler(), TimeSpan.FromSeconds(1));
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(0), await client.SendMsgAsync(Doc(0)));
        await WaitForAsync(() => server.ConnectionThreadCount == 0);

        Assert.True(await BusyUntilOnThreadAsync(server, client), "no thread back after 1,000 quick requests");
        // And idles off it again.
        await WaitForAsync(() => server.ConnectionThreadCount == 0);
        Assert.Equal(Doc(1), await client.SendMsgAsync(Doc(1)));
    }

    [Fact]
    public async Task A_frame_split_across_the_idle_timeout_is_answered_whole()
    {
        await using var server = await StartAsync(new EchoHandler(), TimeSpan.FromMilliseconds(100));
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        byte[] frame = client.BuildMsg(Doc(7, 100));
        await client.SendRawAsync(frame[..10]);
        await WaitForAsync(() => server.ConnectionThreadCount == 0);
        await client.SendRawAsync(frame[10..]);
        Assert.Equal(Doc(7, 100), (await client.ReceiveAsync()).Body);
    }

    [Fact]
    public async Task A_command_that_goes_asynchronous_frees_the_thread_and_its_reply_arrives()
    {
        var handler = new SlowHandler();
        await using var server = await StartAsync(handler, TimeSpan.FromMinutes(5));
        await using var client = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(1), await client.SendMsgAsync(Doc(1)));
        Assert.Equal(1, server.ConnectionThreadCount);

        handler.Delay = true;
        await client.SendRawAsync(client.BuildMsg(Doc(2)));
        await WaitForAsync(() => handler.Waiting == 1);
        await WaitForAsync(() => server.ConnectionThreadCount == 0); // the wait holds no thread (the reply is not sent yet)
        handler.Release.SetResult();
        Assert.Equal(Doc(2), (await client.ReceiveAsync()).Body);
        handler.Delay = false;
        handler.Yield = true;
        // A connection whose commands wait stays off threads, however busy it gets...
        for (int n = 3; n < 43; n++) Assert.Equal(Doc(n), await client.SendMsgAsync(Doc(n)));
        Assert.Equal(0, server.ConnectionThreadCount);
        // ...and once they complete at once again, a busy one gets a thread back.
        handler.Yield = false;
        Assert.True(await BusyUntilOnThreadAsync(server, client), "no thread back after 1,000 quick requests");
    }

    [Fact]
    public async Task Connections_beyond_the_thread_limit_start_on_asynchronous_calls_and_are_served_alike()
    {
        await using var server = await StartAsync(new EchoHandler(), TimeSpan.FromMinutes(5), maxThreads: 1);
        await using var a = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(1), await a.SendMsgAsync(Doc(1)));
        await using var b = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(2), await b.SendMsgAsync(Doc(2)));
        Assert.Equal(2, server.ConnectionCount);
        Assert.Equal(1, server.ConnectionThreadCount);
        // Busy, but no thread is left for b: both are still served.
        for (int n = 3; n < 43; n++)
        {
            Assert.Equal(Doc(n), await a.SendMsgAsync(Doc(n)));
            Assert.Equal(Doc(n), await b.SendMsgAsync(Doc(n)));
        }
        Assert.Equal(1, server.ConnectionThreadCount);
    }

    [Fact]
    public async Task A_graceful_stop_closes_connections_on_and_off_their_threads()
    {
        var handler = new EchoHandler();
        var server = await StartAsync(handler, TimeSpan.FromSeconds(1));
        await using var idle = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(1), await idle.SendMsgAsync(Doc(1)));
        await WaitForAsync(() => server.ConnectionThreadCount == 0);
        await using var busy = await RawWireClient.ConnectAsync(server.LocalEndPoint);
        Assert.Equal(Doc(2), await busy.SendMsgAsync(Doc(2)));
        Assert.Equal(1, server.ConnectionThreadCount);

        var stop = server.StopAsync(TestContext.Current.CancellationToken);
        Assert.True(await idle.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await busy.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await stop.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
        Assert.Equal(2, Volatile.Read(ref handler.Closed));
        Assert.Equal(0, server.ConnectionCount);
        await server.DisposeAsync();
    }

    /// <summary>
    /// Echoes; while <see cref="Delay"/> is set, waits for <see cref="Release"/> first (an asynchronous command); while
    /// <see cref="Yield"/> is set, every command completes asynchronously.
    /// </summary>
    private sealed class SlowHandler : IWireRequestHandler
    {
        public volatile bool Delay;
        public volatile bool Yield;
        public int Waiting;
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async ValueTask HandleAsync(WireConnection connection, WireRequest request, CancellationToken cancellationToken)
        {
            if (Delay)
            {
                Interlocked.Increment(ref Waiting);
                await Release.Task.WaitAsync(cancellationToken);
            }
            if (Yield) await Task.Yield();
            await connection.SendAsync(request, request.Body, cancellationToken: cancellationToken);
        }

        public void OnConnectionClosed(WireConnection connection)
        {
        }
    }
}
