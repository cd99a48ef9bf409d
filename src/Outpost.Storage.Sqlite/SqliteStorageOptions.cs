namespace Outpost.Storage.Sqlite;

/// <summary>Options of <see cref="SqliteStorageEngine"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Durability of commits; <see cref="SqliteSynchronousMode.Full"/> by default.</summary>
    public SqliteSynchronousMode Synchronous { get; init; } = SqliteSynchronousMode.Full;

    /// <summary>How long a connection waits for a lock held by another connection (milliseconds).</summary>
    public int BusyTimeoutMilliseconds { get; init; } = 5000;

    /// <summary>Page cache per connection in KiB (PRAGMA cache_size = -N).</summary>
    public int CacheSizeKib { get; init; } = 16 * 1024;

    /// <summary>Open read connections kept for reuse; more are opened on demand and closed when returned.</summary>
    public int MaxPooledReadConnections { get; init; } = 16;
}
