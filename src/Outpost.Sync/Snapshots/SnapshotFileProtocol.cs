namespace Outpost.Sync.Snapshots;

/// <summary>
/// Names and layout of the snapshot-file part of <c>outpost-sync/1</c> (docs/sync-protocol.md, "Fast first sync"): the
/// server writes a new client's subscribed data straight into the client SDK's local SQLite database format.
/// </summary>
public static class SnapshotFileProtocol
{
    /// <summary>Endpoint names (relative to <c>/sync/v1</c>).</summary>
    public const string Build = "snapshot-file/build", Read = "snapshot-file/read";

    /// <summary>The raw download: <c>GET /sync/v1/snapshot-file/{fileId}</c> with HTTP range support.</summary>
    public const string DownloadPrefix = "snapshot-file/";

    /// <summary>Largest byte range one read returns.</summary>
    public const int MaxReadBytes = 8 * 1024 * 1024;

    /// <summary>The client's bookkeeping database in the file, and its collections.</summary>
    public const string SyncDatabase = "outpost_sync", StateCollection = "state", DocsCollection = "docs", OutboxCollection = "outbox";
}
