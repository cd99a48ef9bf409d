using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    /// <summary>The session id sync's own transactions carry, so their change-log entries are told apart from foreign writes.</summary>
    internal static readonly BsonDocument SyncSession = new("id", "outpost-sync");

    private TransactionOptions SyncTransaction => new() { Session = SyncSession };

    /// <summary>
    /// Tails the change log and stamps writes made by other paths (wire protocol, REST) with the server's HLC as they
    /// happen, so their stamps reflect when they were made rather than when a device next touches the document.
    /// Entries written by sync itself carry <see cref="SyncSession"/> and are skipped without any read.
    /// Runs until cancelled; transient failures are retried.
    /// </summary>
    public async Task RunForeignWriteStamperAsync(CancellationToken cancellationToken)
    {
        long position = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        var system = new SyncPrincipal(Options.ServerNode, new Dictionary<string, BsonValue>());
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await _engine.Storage.WaitForLogAsync(position, cancellationToken).ConfigureAwait(false);
                var entries = await _engine.Storage.ReadLogAsync(position, Protocol.SyncProtocol.DefaultLimit, cancellationToken).ConfigureAwait(false);
                var candidates = new List<(string Collection, BsonValue Id)>();
                foreach (var entry in entries)
                {
                    var record = BsonSerializer.Deserialize(entry.Data);
                    if (record.TryGetValue("lsid", out var lsid) && lsid is BsonDocument l && l.TryGetValue("id", out var lid) && lid is BsonString { Value: "outpost-sync" }) continue;
                    if (!record.TryGetValue("db", out var db) || db.AsString != Options.Database) continue;
                    if (!record.TryGetValue("coll", out var c) || c is not BsonString coll || !_rules.ContainsKey(coll.Value)) continue;
                    if (record["op"].AsString is "insert" or "update" or "replace" or "delete") candidates.Add((coll.Value, record["id"]));
                }
                if (candidates.Count > 0) await StampAsync(candidates, system, cancellationToken).ConfigureAwait(false);
                if (entries.Count > 0) position = entries[^1].Position;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (MongoException)
            {
                // a conflict storm or a dropped collection: try the same entries again shortly
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StampAsync(List<(string Collection, BsonValue Id)> candidates, SyncPrincipal system, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await using var txn = await _engine.StartTransactionAsync(SyncTransaction, cancellationToken).ConfigureAwait(false);
                var batch = new PushBatch(this, new OperationContext { Transaction = txn }, system);
                bool dirty = false;
                foreach (var (collection, id) in candidates)
                    dirty |= (await batch.LoadAsync(collection, id, cancellationToken).ConfigureAwait(false)).Dirty;
                if (!dirty)
                {
                    await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
                    return;
                }
                await batch.WriteAsync(cancellationToken).ConfigureAwait(false);
                await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (MongoException e) when (e.Code == ErrorCodes.WriteConflict && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
