using Outpost.Bson;
using Outpost.Sync.Transport;

namespace Shopfloor.Device;

/// <summary>
/// Wraps a transport with a connectivity switch: while <see cref="Online"/> is false every request fails the way an
/// unreachable network does, so the client keeps its outbox and retries later.
/// </summary>
public sealed class SwitchableTransport(ISyncTransport inner) : ISyncTransport
{
    private volatile bool _online = true;

    /// <summary>Whether requests reach the inner transport.</summary>
    public bool Online
    {
        get => _online;
        set => _online = value;
    }

    /// <inheritdoc />
    public Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken) =>
        _online ? inner.SendAsync(endpoint, body, bearerToken, cancellationToken) : throw new SyncTransportException("offline");

    /// <inheritdoc />
    public Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken) =>
        _online ? inner.ConnectLiveAsync(hello, bearerToken, cancellationToken) : throw new SyncTransportException("offline");
}
