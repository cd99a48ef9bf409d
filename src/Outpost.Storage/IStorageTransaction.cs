namespace Outpost.Storage;

/// <summary>
/// One storage transaction: a consistent snapshot for its whole life plus its own buffered writes
/// (read-your-own-writes). Use it from one logical flow at a time (not thread-safe). Dispose without commit
/// rolls back. Keys and values passed in are copied; arrays returned belong to the caller.
/// </summary>
public interface IStorageTransaction : IAsyncDisposable
{
    /// <summary>The mode the transaction was begun with.</summary>
    StorageTransactionMode Mode { get; }

    /// <summary>The value stored under <paramref name="key"/> in <paramref name="tree"/>, or null.</summary>
    ValueTask<byte[]?> GetAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams the entries of <paramref name="range"/> in key order (descending when <paramref name="reverse"/>),
    /// merged with this transaction's writes made before the scan started. Writes made while the scan is being
    /// enumerated may or may not be seen by it (never an error). Entries are fetched incrementally, never the whole range.
    /// </summary>
    IAsyncEnumerable<StorageEntry> ScanAsync(long tree, KeyRange range, bool reverse = false, CancellationToken cancellationToken = default);

    /// <summary>Number of keys in <paramref name="range"/> in this transaction's view.</summary>
    ValueTask<long> CountAsync(long tree, KeyRange range, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, replacing any value (upsert).</summary>
    ValueTask PutAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a new key. Throws <see cref="StorageDuplicateKeyException"/> when the key exists in this transaction's
    /// view (the transaction stays usable). A concurrent transaction inserting the same key is caught as a write conflict
    /// (SQLite, at commit) or by the database's unique constraint (PostgreSQL, across processes).
    /// </summary>
    ValueTask InsertAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Removes <paramref name="key"/> if present.</summary>
    ValueTask DeleteAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default);

    /// <summary>Removes every key of <paramref name="range"/> (dropping a collection or index).</summary>
    ValueTask DeleteRangeAsync(long tree, KeyRange range, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends an opaque change-log entry. Positions are assigned at commit, in commit order, contiguous within
    /// the commit and in the order of the calls.
    /// </summary>
    void AppendLog(ReadOnlyMemory<byte> entry);

    /// <summary>
    /// Applies every write atomically and durably. Throws <see cref="StorageWriteConflictException"/> when a
    /// concurrent commit wrote one of the same keys after this transaction's snapshot; nothing is applied then.
    /// A read-only transaction commits trivially.
    /// </summary>
    ValueTask<StorageCommitResult> CommitAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Lets this transaction's commit skip the flush to stable storage: it survives a process crash but may be lost on
    /// power loss, together with every later commit that was not flushed either (the log is a prefix). For writes that
    /// can be replayed from elsewhere (a sync client's copy of server data, its acknowledgement bookkeeping). A later
    /// durable commit makes it durable too. Backends without a cheaper commit ignore it (the default).
    /// </summary>
    void DeferDurability()
    {
    }

    /// <summary>Discards every write. Idempotent.</summary>
    ValueTask RollbackAsync(CancellationToken cancellationToken = default);
}
