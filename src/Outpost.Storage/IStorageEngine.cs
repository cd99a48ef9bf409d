namespace Outpost.Storage;

/// <summary>
/// An open store of ordered byte-key trees and a change log. Knows nothing of documents: the engine above encodes
/// documents, index entries and its catalog as keys in trees identified by a <see cref="long"/>. Thread-safe.
/// </summary>
public interface IStorageEngine : IAsyncDisposable
{
    /// <summary>The schema version the store was opened with (recorded in its meta table).</summary>
    int SchemaVersion { get; }

    /// <summary>
    /// True when other processes may change this store while it is open (several server nodes on one PostgreSQL).
    /// The engine then checks its cached catalog against each read snapshot instead of trusting that only it changes it.
    /// </summary>
    bool IsShared => false;

    /// <summary>
    /// Hint: nearly every transaction reads this key (the engine's catalog version). A backend that pays a round trip
    /// per statement reads it together with the statement that takes the snapshot and answers
    /// <see cref="IStorageTransaction.GetAsync"/> of that key from it. Call once, before the first transaction.
    /// </summary>
    void PrefetchInSnapshots(long tree, ReadOnlyMemory<byte> key)
    {
    }

    /// <summary>Begins a transaction whose snapshot is taken before this returns.</summary>
    ValueTask<IStorageTransaction> BeginAsync(StorageTransactionMode mode, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest committed value of <paramref name="key"/> in <paramref name="tree"/>, or null: what a read-only
    /// transaction doing this one read would return. Point lookups outside transactions (find by _id) use it; a backend
    /// can serve it with one statement instead of begin + read + end.
    /// </summary>
    async ValueTask<byte[]?> GetCommittedAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        var tx = await BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            return await tx.GetAsync(tree, key, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Up to <paramref name="maxEntries"/> committed log entries with position greater than
    /// <paramref name="afterPosition"/>, in position order. Never returns a position while a lower one that will
    /// later become visible is still uncommitted.
    /// </summary>
    ValueTask<IReadOnlyList<StorageLogEntry>> ReadLogAsync(long afterPosition, int maxEntries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when a committed log entry with position greater than <paramref name="afterPosition"/> exists
    /// (immediately if one already does). On PostgreSQL it also wakes for commits made by other processes.
    /// </summary>
    ValueTask WaitForLogAsync(long afterPosition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Bytes the stored data occupies on disk now (SQLite: the database file and its write-ahead log; PostgreSQL: the
    /// Outpost tables with their indexes and TOAST). For monitoring: cheap to call, never a scan of the data.
    /// </summary>
    ValueTask<long> GetSizeOnDiskAsync(CancellationToken cancellationToken = default);

    /// <summary>Position of the last committed log entry, 0 when none was ever written.</summary>
    ValueTask<long> GetLastLogPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Position of the oldest retained log entry, or null when the log holds none. A reader resuming after a
    /// position lower than this minus one has lost history (ChangeStreamHistoryLost).
    /// </summary>
    ValueTask<long?> GetOldestLogPositionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes log entries with position lower than <paramref name="beforePosition"/>, always keeping the newest
    /// entry so the last position stays known. Returns the number of entries deleted.
    /// </summary>
    ValueTask<long> TrimLogAsync(long beforePosition, CancellationToken cancellationToken = default);
}
