namespace Outpost.Client;

/// <summary>The sync state of one local document.</summary>
public enum SyncStatus
{
    /// <summary>Equal to the server's version as far as this device knows.</summary>
    Synced,

    /// <summary>Changed locally; the change waits in the outbox.</summary>
    Pending,

    /// <summary>Its changes are being pushed.</summary>
    Syncing,

    /// <summary>The server rejected a change (rules or an unmergeable write); the local view shows the server version.</summary>
    Failed,

    /// <summary>A concurrent write was kept beside this one (keep-both); see the conflict log.</summary>
    Conflicted,
}
