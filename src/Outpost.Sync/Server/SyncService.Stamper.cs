using System.Text;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    /// <summary>The session id sync's own transactions carry, so their change-log entries are told apart from foreign writes.</summary>
    internal static readonly BsonDocument SyncSession = new("id", "outpost-sync");

    private TransactionOptions SyncTransaction => new() { Session = SyncSession };

    /// <summary>Serializes readers of the foreign-write cursor (the stamper loop, pushes that meet an unstamped version).</summary>
    private readonly SemaphoreSlim _foreignGate = new(1, 1);

    /// <summary>The change-log position up to which foreign writes have been stamped; -1 until first read.</summary>
    private long _foreignPosition = -1;

    private byte[] DatabaseUtf8 => _databaseUtf8 ??= Encoding.UTF8.GetBytes(Options.Database);
    private byte[]? _databaseUtf8;

    /// <summary>
    /// Tails the change log and stamps writes made by other paths (wire protocol, REST) as whole-document writes of the
    /// server, with the HLC of their commit time (see <see cref="CatchUpForeignWritesAsync"/>). Entries written by sync
    /// itself carry <see cref="SyncSession"/> and are skipped without decoding them. Runs until cancelled; transient
    /// failures are retried.
    /// </summary>
    public async Task RunForeignWriteStamperAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                long position = Volatile.Read(ref _foreignPosition);
                if (position < 0) position = await InitializeForeignPositionAsync(cancellationToken).ConfigureAwait(false);
                await _engine.Storage.WaitForLogAsync(position, cancellationToken).ConfigureAwait(false);
                await CatchUpForeignWritesAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<long> InitializeForeignPositionAsync(CancellationToken cancellationToken)
    {
        await _foreignGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_foreignPosition < 0) Volatile.Write(ref _foreignPosition, await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false));
            return _foreignPosition;
        }
        finally
        {
            _foreignGate.Release();
        }
    }

    /// <summary>
    /// Stamps every foreign write in the change log after the stamper's position, up to the end of the log. A write is
    /// stamped with the HLC of its <b>commit time</b> (the entry's wall time), HLC-merged with the version it replaced —
    /// not with the time sync happens to notice it: an offline edit a device made after the foreign write must win
    /// against it, and one made before must lose, however late either reaches the server.
    /// </summary>
    /// <returns>How many documents were stamped.</returns>
    public async Task<int> CatchUpForeignWritesAsync(CancellationToken cancellationToken = default)
    {
        await _foreignGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_foreignPosition < 0) Volatile.Write(ref _foreignPosition, await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false));
            int stamped = 0;
            var system = new SyncPrincipal(Options.ServerNode, new Dictionary<string, BsonValue>());
            while (true)
            {
                var entries = await _engine.Storage.ReadLogAsync(_foreignPosition, Protocol.SyncProtocol.DefaultLimit, cancellationToken).ConfigureAwait(false);
                if (entries.Count == 0) break;
                var candidates = new Dictionary<(string, BsonValue), long>(new KeyComparer());
                foreach (var entry in entries)
                {
                    if (!ChangeLogEntryHeader.TryRead(entry.Data, DatabaseUtf8, _rules.ContainsKey, out var header) || header.FromSync || header.Id is null) continue;
                    candidates[(header.Collection, header.Id)] = entry.CommitTimeMs; // entries are in log order: the last write of a document counts
                }
                if (candidates.Count > 0) stamped += await StampAsync(candidates, system, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _foreignPosition, entries[^1].Position);
                if (entries.Count < Protocol.SyncProtocol.DefaultLimit) break;
            }
            return stamped;
        }
        finally
        {
            _foreignGate.Release();
        }
    }

    /// <summary>Stamps the documents of <paramref name="candidates"/> whose current version sync did not write, each with its write's commit time.</summary>
    private async Task<int> StampAsync(Dictionary<(string, BsonValue), long> candidates, SyncPrincipal system, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                await using var txn = await _engine.StartTransactionAsync(SyncTransaction, cancellationToken).ConfigureAwait(false);
                var batch = new PushBatch(this, new OperationContext { Transaction = txn }, system) { ForeignWriteTimes = candidates };
                await batch.PrefetchAsync(candidates.Keys, cancellationToken).ConfigureAwait(false);
                int dirty = 0;
                foreach (var (collection, id) in candidates.Keys)
                    if ((await batch.LoadAsync(collection, id, cancellationToken).ConfigureAwait(false)).Dirty) dirty++;
                if (dirty == 0)
                {
                    await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
                    return 0;
                }
                await batch.WriteAsync(cancellationToken).ConfigureAwait(false);
                await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                return dirty;
            }
            catch (MongoException e) when (e.Code == ErrorCodes.WriteConflict && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
