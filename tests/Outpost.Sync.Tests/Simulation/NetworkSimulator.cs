using System.Threading.Channels;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;
using Outpost.Sync.Server;
using Outpost.Sync.Transport;

namespace Outpost.Sync.Tests.Simulation;

/// <summary>
/// An in-process network between one device and a <see cref="SyncService"/>: every message travels as BSON bytes and
/// may be dropped, cut mid-message, duplicated, held back and delivered later (reordered), or delayed; the link can go
/// offline. Seeded, so a failing run replays.
/// </summary>
public sealed class NetworkSimulator(SyncService server, int seed) : ISyncTransport
{
    private readonly Random _random = new(seed);
    private readonly List<(string Endpoint, byte[] Body, string? Token)> _heldBack = [];

    public NetworkFaults Faults { get; set; } = NetworkFaults.None;

    /// <summary>Requests that reached the server (including duplicates and late copies).</summary>
    public int Delivered { get; private set; }

    private bool Roll(double p)
    {
        lock (_random) return p > 0 && _random.NextDouble() < p;
    }

    public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        var faults = Faults;
        if (faults.Offline) throw new SyncTransportException("offline");
        if (faults.MaxLatencyMs > 0) await Task.Delay(_random.Next(faults.MaxLatencyMs + 1), cancellationToken);
        var bytes = BsonSerializer.Serialize(body);
        await DeliverHeldBackAsync(cancellationToken, all: false);
        if (Roll(faults.Delay)) lock (_heldBack) _heldBack.Add((endpoint, bytes, bearerToken));
        if (Roll(faults.DropRequest)) throw new SyncTransportException("request dropped");
        var reply = await DeliverAsync(endpoint, bytes, bearerToken, cancellationToken);
        if (Roll(faults.Duplicate)) reply = await DeliverAsync(endpoint, bytes, bearerToken, cancellationToken);
        if (Roll(faults.CutReply))
        {
            int cut;
            lock (_random) cut = _random.Next(reply.Length);
            try
            {
                // What a client sees when the connection dies mid-reply: a truncated document, which must not decode.
                BsonSerializer.Deserialize(reply.AsSpan(0, cut));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SyncTransportException("connection reset mid-message", e);
            }
            throw new SyncTransportException("connection reset mid-message");
        }
        return BsonSerializer.Deserialize(reply);
    }

    /// <summary>Delivers held-back copies now (some of them, or all).</summary>
    public async Task DeliverHeldBackAsync(CancellationToken cancellationToken, bool all)
    {
        while (true)
        {
            (string, byte[], string?) item;
            lock (_heldBack)
            {
                if (_heldBack.Count == 0 || (!all && !Roll(0.5))) return;
                int index;
                lock (_random) index = _random.Next(_heldBack.Count);
                item = _heldBack[index];
                _heldBack.RemoveAt(index);
            }
            await DeliverAsync(item.Item1, item.Item2, item.Item3, cancellationToken);
        }
    }

    private async Task<byte[]> DeliverAsync(string endpoint, byte[] bytes, string? token, CancellationToken cancellationToken)
    {
        Delivered++;
        var reply = await server.HandleAsync(endpoint, BsonSerializer.Deserialize(bytes), token, cancellationToken);
        return BsonSerializer.Serialize(reply);
    }

    public async Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken)
    {
        if (Faults.Offline) throw new SyncTransportException("offline");
        var principal = await server.AuthenticateAsync(bearerToken, cancellationToken);
        var request = LiveRequest.FromBson(BsonSerializer.Deserialize(BsonSerializer.Serialize(hello)));
        var channel = Channel.CreateUnbounded<byte[]>();
        var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pump = Task.Run(async () =>
        {
            try
            {
                await server.RunLiveAsync(principal, request, (doc, ct) =>
                {
                    var faults = Faults;
                    if (faults.Offline || Roll(faults.DisconnectLive)) throw new SyncTransportException("live link lost");
                    if (!Roll(faults.DropLiveMessage))
                    {
                        var bytes = BsonSerializer.Serialize(doc);
                        channel.Writer.TryWrite(bytes);
                        if (Roll(faults.Duplicate)) channel.Writer.TryWrite(bytes);
                    }
                    return Task.CompletedTask;
                }, cts.Token);
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e is OperationCanceledException ? null : new SyncTransportException("live link lost", e));
            }
        });
        return new LiveChannel(channel.Reader, cts, pump);
    }

    private sealed class LiveChannel(ChannelReader<byte[]> reader, CancellationTokenSource cts, Task pump) : ISyncLiveChannel
    {
        public async Task<BsonDocument?> ReceiveAsync(CancellationToken cancellationToken)
        {
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken)) return null;
                return reader.TryRead(out var bytes) ? BsonSerializer.Deserialize(bytes) : null;
            }
            catch (ChannelClosedException e)
            {
                throw new SyncTransportException("live link lost", e);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await cts.CancelAsync();
            try
            {
                await pump;
            }
            catch (OperationCanceledException)
            {
            }
            cts.Dispose();
        }
    }
}
