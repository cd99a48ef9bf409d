using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// Where a read gets its storage snapshot: a given transaction (writes, multi-document transactions), or a fresh
/// read-only transaction per chunk of scanned keys — like MongoDB yielding, so an idle cursor pins nothing for long.
/// </summary>
internal sealed class ReadSource
{
    private readonly IStorageEngine? _storage;
    private readonly IStorageTransaction? _fixed;
    private readonly EngineTransaction? _transaction;

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

    public async ValueTask<IStorageTransaction> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_fixed is not null) return _fixed;
        if (_transaction is not null) return _transaction.Storage;
        return await _storage!.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync(IStorageTransaction tx)
    {
        if (_storage is not null) await tx.DisposeAsync().ConfigureAwait(false);
    }
}
