using Outpost.Engine.Catalog;
using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// Where a read gets its storage snapshot: a given transaction (writes, multi-document transactions), or a fresh
/// read-only transaction per chunk of scanned keys — like MongoDB yielding, so an idle cursor pins nothing for long.
/// A chunked read of a plan is guarded like MongoDB's yield-and-restore: each new snapshot is checked against the
/// catalog the plan was made with (<see cref="Guard"/>).
/// </summary>
internal sealed class ReadSource
{
    private readonly IStorageEngine? _storage;
    private readonly IStorageTransaction? _fixed;
    private readonly EngineTransaction? _transaction;
    private CatalogManager? _catalog;
    private CollectionState? _planned;
    private IndexState? _index;
    private bool _plannedMultikey;
    private bool _restored;

    private ReadSource(IStorageEngine? storage, IStorageTransaction? fixedTx, EngineTransaction? transaction)
    {
        _storage = storage;
        _fixed = fixedTx;
        _transaction = transaction;
    }

    public static ReadSource Chunked(IStorageEngine storage) => new(storage, null, null);

    public static ReadSource Fixed(IStorageTransaction tx) => new(null, tx, null);

    public static ReadSource For(OutpostEngine engine, OperationContext context) =>
        context.Transaction is { } txn ? new ReadSource(null, null, txn) : Chunked(engine.Storage);

    /// <summary>Keys scanned per snapshot when chunked.</summary>
    public int ChunkSize => _storage is null ? int.MaxValue : 1000;

    /// <summary>
    /// Checks every chunk's snapshot against the catalog <paramref name="planned"/> came from: a plan made on a stale
    /// catalog (another node dropped the index) fails its first chunk with <see cref="StaleCatalogException"/>, so the
    /// caller plans again; an index or collection dropped while the cursor ran fails a later chunk with
    /// QueryPlanKilled, as in MongoDB. Only chunked sources need it: a transaction's reads see its own fixed catalog.
    /// </summary>
    public ReadSource Guard(CatalogManager catalog, CollectionState planned, IndexState? index)
    {
        if (_storage is null) return this;
        _catalog = catalog;
        _planned = planned;
        _index = index;
        _plannedMultikey = index?.Multikey ?? false;
        return this;
    }

    public async ValueTask<IStorageTransaction> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_fixed is not null) return _fixed;
        if (_transaction is not null) return _transaction.Storage;
        var tx = await _storage!.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        if (_catalog is null) return tx;
        var first = !_restored;
        bool valid;
        try
        {
            // Only a plan not yet started is redone for a multikey change; a running one keeps its bounds, as MongoDB's.
            valid = await _catalog.StillValidAsync(tx, _planned!, _index, _plannedMultikey || !first, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await tx.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _restored = true;
        if (valid) return tx;
        await tx.DisposeAsync().ConfigureAwait(false);
        if (first) throw new StaleCatalogException();
        throw new MongoException(ErrorCodes.QueryPlanKilled, "QueryPlanKilled",
            _index is null || _catalog.TryGet(_planned!.Database, _planned.Name)?.Uuid != _planned!.Uuid
                ? $"PlanExecutor error during find command :: caused by :: collection dropped. UUID {_planned!.Uuid}"
                : $"PlanExecutor error during find command :: caused by :: index '{_index.Name}' dropped");
    }

    public async ValueTask ReleaseAsync(IStorageTransaction tx)
    {
        if (_storage is not null) await tx.DisposeAsync().ConfigureAwait(false);
    }
}
