namespace Outpost.Storage.Sqlite;

/// <summary>Options of <see cref="SqliteStorageEngine"/>.</summary>
public sealed class SqliteStorageOptions
{
    /// <summary>Durability of commits; <see cref="SqliteSynchronousMode.Full"/> by default.</summary>
    public SqliteSynchronousMode Synchronous { get; init; } = SqliteSynchronousMode.Full;

    /// <summary>How long a connection waits for a lock held by another connection (milliseconds).</summary>
    public int BusyTimeoutMilliseconds { get; init; } = 5000;

    /// <summary>Page cache of the write connection in KiB (PRAGMA cache_size = -N); large commits spill less with more.</summary>
    public int CacheSizeKib { get; init; } = 64 * 1024;

    /// <summary>Page cache of each read connection in KiB.</summary>
    public int ReadCacheSizeKib { get; init; } = 8 * 1024;

    /// <summary>
    /// How much of the database file read connections map into memory (PRAGMA mmap_size; 0 turns it off). Reads of
    /// mapped pages come straight from the operating system's page cache, shared by every connection, instead of a
    /// read() copy into each connection's own cache: random _id lookups over a data set larger than one connection's
    /// cache stop paying a system call and a page copy each.
    /// </summary>
    public long MmapSizeBytes { get; init; } = 1L << 30;

    /// <summary>
    /// Page size of a newly created database (ignored for an existing one). 16 KiB keeps ~1.5 KB documents inside
    /// their B-tree leaf instead of overflow pages, which measured several times faster for bulk inserts than 4 KiB.
    /// </summary>
    public int PageSize { get; init; } = 16384;

    /// <summary>Open read connections kept for reuse; more are opened on demand and closed when returned.</summary>
    public int MaxPooledReadConnections { get; init; } = 16;
}
