namespace Outpost.Storage;

/// <summary>What a commit assigned.</summary>
/// <param name="FirstLogPosition">Position of the first appended log entry, or 0 when the transaction appended none.</param>
/// <param name="LastLogPosition">Position of the last appended log entry, or 0 when the transaction appended none.</param>
/// <param name="CommitTimeMs">Commit wall-clock time, milliseconds since the Unix epoch (the same value stored with its log entries).</param>
public readonly record struct StorageCommitResult(long FirstLogPosition, long LastLogPosition, long CommitTimeMs)
{
    /// <summary>Whether the commit appended log entries.</summary>
    public bool HasLogEntries => LastLogPosition != 0;
}
