namespace Outpost.Storage;

/// <summary>Whether a storage transaction may write, and whether it must run alone among writers.</summary>
public enum StorageTransactionMode
{
    /// <summary>Reads one consistent snapshot; every write operation throws <see cref="InvalidOperationException"/>.</summary>
    ReadOnly,

    /// <summary>Reads one consistent snapshot and buffers writes that are applied atomically at commit.</summary>
    ReadWrite,

    /// <summary>
    /// A <see cref="ReadWrite"/> transaction ordered against every other writer of the store, in every process sharing
    /// it: its snapshot is taken only after the <see cref="ReadWrite"/> commits in progress have finished, and a
    /// <see cref="ReadWrite"/> transaction that began before an exclusive one committed and commits after it started
    /// fails with <see cref="StorageWriteConflictException"/> (so it is retried on a snapshot that sees the exclusive
    /// one). For catalog changes such as index builds, which must see every document a concurrent writer might add
    /// without that writer knowing of the change. Exclusive transactions run one at a time. On SQLite (one process
    /// per file) it behaves as <see cref="ReadWrite"/>: the engine orders its own writers in process.
    /// </summary>
    Exclusive,
}
