using Outpost.Bson;

namespace Outpost.Sync.Transport;

/// <summary>A server-to-client stream of messages (change batches and pings).</summary>
public interface ISyncLiveChannel : IAsyncDisposable
{
    /// <summary>The next message, or null when the server closed the channel. Failures throw <see cref="SyncTransportException"/>.</summary>
    Task<BsonDocument?> ReceiveAsync(CancellationToken cancellationToken);
}
