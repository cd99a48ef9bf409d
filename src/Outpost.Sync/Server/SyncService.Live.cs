using Outpost.Bson;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    /// <summary>
    /// Streams change batches for the live socket: waits on the change log (the storage wake-up, no polling), reads what
    /// is new, and sends each non-empty batch through <paramref name="send"/>. Returns when cancelled.
    /// </summary>
    public async Task RunLiveAsync(SyncPrincipal principal, LiveRequest request, Func<BsonDocument, CancellationToken, Task> send, CancellationToken cancellationToken)
    {
        var subs = Bind(principal, request.Subscriptions);
        long checkpoint = request.Checkpoint;
        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = await ReadBatchAsync(subs, checkpoint, SyncProtocol.DefaultLimit, cancellationToken).ConfigureAwait(false);
            if (batch.Changes.Count > 0 || batch.To != checkpoint)
            {
                // Batches without visible changes still move the client's checkpoint, so it never re-reads skipped entries.
                await send(batch.ToBson(), cancellationToken).ConfigureAwait(false);
                checkpoint = batch.To;
            }
            if (batch.More) continue;
            using var ping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            ping.CancelAfter(Options.LivePingInterval);
            try
            {
                await _engine.Storage.WaitForLogAsync(checkpoint, ping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await send(new BsonDocument("ping", 1), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
