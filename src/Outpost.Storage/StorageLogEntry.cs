namespace Outpost.Storage;

/// <summary>One change-log entry as stored.</summary>
/// <param name="Position">Strictly increasing position, assigned at commit in commit order.</param>
/// <param name="CommitTimeMs">Wall-clock time of the commit that appended it, milliseconds since the Unix epoch.</param>
/// <param name="Data">The opaque bytes given to <see cref="IStorageTransaction.AppendLog"/>.</param>
public readonly record struct StorageLogEntry(long Position, long CommitTimeMs, byte[] Data);
