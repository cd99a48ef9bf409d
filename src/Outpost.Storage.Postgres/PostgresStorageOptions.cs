namespace Outpost.Storage.Postgres;

/// <summary>Options of <see cref="PostgresStorageEngine"/>.</summary>
public sealed class PostgresStorageOptions
{
    /// <summary>Buffered Put/Delete statements sent in one round trip (flushed earlier by any read or Insert).</summary>
    public int WriteBatchSize { get; init; } = 256;

    /// <summary>Rows fetched per round trip by a scan (the first page is smaller, for LIMIT-1 style reads).</summary>
    public int ScanPageSize { get; init; } = 1024;

    /// <summary>
    /// Longest a <see cref="IStorageEngine.WaitForLogAsync"/> sleeps without re-querying the log, a safety net for a
    /// notification lost while the LISTEN connection reconnects.
    /// </summary>
    public TimeSpan LogPollInterval { get; init; } = TimeSpan.FromSeconds(5);
}
