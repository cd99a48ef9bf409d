using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Transport;

namespace Shopfloor.Device;

/// <summary>
/// Delivers requests to a <see cref="ShopfloorSyncServer"/> in the same process, as real BSON bytes both ways (so
/// nothing is shared by reference between device and server). No live channel: devices sync by rounds.
/// </summary>
public sealed class InProcessSyncTransport(ShopfloorSyncServer server) : ISyncTransport
{
    /// <inheritdoc />
    public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var request = BsonSerializer.Deserialize(BsonSerializer.Serialize(body));
        var reply = endpoint.StartsWith("attachments/", StringComparison.Ordinal)
            ? await server.Attachments.HandleAsync(endpoint, request, bearerToken, cancellationToken).ConfigureAwait(false)
            : await server.Sync.HandleAsync(endpoint, request, bearerToken, cancellationToken).ConfigureAwait(false);
        return BsonSerializer.Deserialize(BsonSerializer.Serialize(reply));
    }

    /// <inheritdoc />
    public Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken) =>
        throw new SyncTransportException("no live channel in-process");
}
