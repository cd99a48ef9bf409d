using Outpost.Bson;

namespace Outpost.Sync.Transport;

/// <summary>
/// How a client reaches a sync server. The HTTP/WebSocket implementation lives in the client SDK; tests plug in an
/// in-process network simulator. Bodies are the BSON messages of <c>Outpost.Sync.Protocol</c>.
/// </summary>
public interface ISyncTransport
{
    /// <summary>
    /// Sends one request to <paramref name="endpoint"/> (a <see cref="Protocol.SyncProtocol"/> endpoint name) and returns
    /// the reply body — an error body (<c>ok: 0</c>) included. Network failures throw <see cref="SyncTransportException"/>;
    /// the request may or may not have reached the server.
    /// </summary>
    Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken);

    /// <summary>Opens the live channel and sends <paramref name="hello"/> (a <see cref="Protocol.LiveRequest"/>).</summary>
    Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken);
}
