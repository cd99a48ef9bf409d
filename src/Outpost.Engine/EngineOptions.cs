using Outpost.Storage;

namespace Outpost.Engine;

/// <summary>How <c>OutpostEngine.OpenAsync</c> opens a database.</summary>
public sealed class EngineOptions
{
    /// <summary>An already open storage backend (SQLite or PostgreSQL). Takes precedence over <see cref="SqlitePath"/>.</summary>
    public IStorageEngine? Storage { get; init; }

    /// <summary>Path of a SQLite file to open (created if missing) when <see cref="Storage"/> is null.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>Whether disposing the engine disposes <see cref="Storage"/> (always true for <see cref="SqlitePath"/>).</summary>
    public bool OwnsStorage { get; init; } = true;

    /// <summary>Longest a multi-document transaction may live before it is aborted (MongoDB: transactionLifetimeLimitSeconds = 60).</summary>
    public TimeSpan TransactionLifetimeLimit { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Change-log entries older than this are trimmed by <see cref="OutpostEngine.TrimChangeLogAsync"/>; null keeps them by age.</summary>
    public TimeSpan? ChangeLogRetention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>At most this many change-log entries are kept; null means no count limit.</summary>
    public long? ChangeLogMaxEntries { get; init; }

    /// <summary>
    /// Whether document writes (insert, update, replace, delete) append change-log entries; true by default. Off only for
    /// a database that nobody watches or syncs from, filled in bulk (a server-built sync snapshot file): it halves the
    /// bytes written and leaves no log to trim. DDL is logged either way.
    /// </summary>
    public bool LogDocumentChanges { get; init; } = true;

    /// <summary>Times a single (non-transaction) write is retried internally after a storage write conflict.</summary>
    public int WriteConflictRetries { get; init; } = 200;

    /// <summary>How often the TTL sweeper runs (MongoDB's ttlMonitorSleepSecs = 60); null disables the background sweeper.</summary>
    public TimeSpan? TtlMonitorInterval { get; init; } = TimeSpan.FromSeconds(60);
}
