namespace Shopfloor.Domain;

/// <summary>Where a photo is in its journey from the device to the server.</summary>
public enum SyncStatus
{
    Pending,
    Syncing,
    Synced,
    Failed,
    Conflicted,
}
