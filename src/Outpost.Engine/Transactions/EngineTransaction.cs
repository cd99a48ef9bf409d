using Outpost.Storage;

namespace Outpost.Engine;

/// <summary>
/// A multi-document, multi-collection transaction: every operation given it in <see cref="OperationContext.Transaction"/>
/// reads one snapshot (plus its own writes) and its writes become visible atomically at <see cref="CommitAsync"/>.
/// A write conflict with a concurrent commit fails with code 112 WriteConflict and label TransientTransactionError;
/// past its lifetime limit it is aborted (code 290 on the next use). Operations on one transaction are serialized.
/// </summary>
public sealed class EngineTransaction : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IStorageTransaction? _storage;

    internal EngineTransaction(OutpostEngine engine, IStorageTransaction storage, TransactionOptions options, TimeSpan lifetime)
    {
        Engine = engine;
        _storage = storage;
        Options = options;
        StartedAt = DateTime.UtcNow;
        ExpiresAt = StartedAt + lifetime;
    }

    internal OutpostEngine Engine { get; }

    internal TransactionOptions Options { get; }

    /// <summary>When the transaction started (UTC).</summary>
    public DateTime StartedAt { get; }

    /// <summary>When the lifetime limit aborts it (UTC).</summary>
    public DateTime ExpiresAt { get; }

    /// <summary>Whether it is still open (neither committed nor aborted).</summary>
    public bool IsActive => _storage is not null;

    /// <summary>Whether it ended by commit.</summary>
    public bool IsCommitted { get; private set; }

    /// <summary>The log position of the commit (the transaction's operationTime), once committed with writes.</summary>
    public long CommitLogPosition { get; private set; }

    private readonly Dictionary<string, object?> _collections = new(StringComparer.Ordinal);

    /// <summary>Remembers the catalog entry a statement wrote with; commit fails if DDL replaced it meanwhile.</summary>
    internal void RecordCollection(string ns, object? state)
    {
        lock (_collections) _collections.TryAdd(ns, state);
    }

    /// <summary>Runs <paramref name="work"/> on the storage transaction, one operation at a time.</summary>
    internal async ValueTask<T> RunAsync<T>(Func<IStorageTransaction, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var storage = CheckActive();
            try
            {
                return await work(storage).ConfigureAwait(false);
            }
            catch (StorageWriteConflictException ex)
            {
                await AbortCoreAsync().ConfigureAwait(false);
                throw EngineErrors.WriteConflict(ex);
            }
            catch (MongoException)
            {
                // As in MongoDB, a failed statement aborts the whole transaction (its partial writes are in the snapshot).
                await AbortCoreAsync().ConfigureAwait(false);
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Storage transaction for a read that must see this transaction's snapshot; caller holds no gate (reads are serialized by the wire per session).</summary>
    internal IStorageTransaction Storage => CheckActive();

    private IStorageTransaction CheckActive()
    {
        if (_storage is null)
            throw new MongoException(ErrorCodes.NoSuchTransaction, IsCommitted ? "Transaction has been committed" : "Transaction has been aborted", "TransientTransactionError");
        if (DateTime.UtcNow > ExpiresAt)
        {
            _ = AbortCoreAsync().AsTask();
            throw new MongoException(ErrorCodes.NoSuchTransaction, "Transaction was aborted: it exceeded its lifetime limit (transactionLifetimeLimitSeconds)", "TransientTransactionError");
        }

        return _storage;
    }

    /// <summary>
    /// Lets the commit skip the flush to stable storage (see <see cref="IStorageTransaction.DeferDurability"/>): it
    /// survives a process crash but may be lost on power loss. Only for writes that can be replayed from elsewhere.
    /// </summary>
    public void DeferDurability() => CheckActive().DeferDurability();

    /// <summary>Commits every write atomically. Throws 112 (TransientTransactionError) on a write conflict.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsCommitted && _storage is null) return; // commit is retryable
            var storage = CheckActive();
            await Engine.Catalog.Gate.EnterSharedAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // An index build or drop committed after our writes used the old catalog entry: our index entries
                // would be incomplete, so fail as a write conflict (drivers retry the whole transaction).
                lock (_collections)
                {
                    foreach (var (ns, state) in _collections)
                        if (!ReferenceEquals(Engine.Catalog.Collections.GetValueOrDefault(ns), state)) throw new StorageWriteConflictException();
                }

                var result = await storage.CommitAsync(cancellationToken).ConfigureAwait(false);
                CommitLogPosition = result.LastLogPosition;
                IsCommitted = true;
                Engine.OnCommitted(result);
            }
            catch (StorageWriteConflictException ex)
            {
                throw EngineErrors.WriteConflict(ex);
            }
            finally
            {
                Engine.Catalog.Gate.ExitShared();
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Discards every write. Idempotent.</summary>
    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await AbortCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async ValueTask AbortCoreAsync()
    {
        if (_storage is null) return;
        try
        {
            await _storage.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await ReleaseAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask ReleaseAsync()
    {
        var storage = _storage;
        _storage = null;
        if (storage is not null) await storage.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await AbortAsync(CancellationToken.None).ConfigureAwait(false);
        _gate.Dispose();
    }
}
