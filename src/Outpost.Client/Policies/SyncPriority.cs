namespace Outpost.Client.Policies;

/// <summary>Work classes of the sync loop, run in this order (metadata before binaries).</summary>
public enum SyncPriority
{
    /// <summary>Document operations and change pulls.</summary>
    Metadata = 0,

    /// <summary>Small binaries (thumbnails).</summary>
    SmallBinaries = 1,

    /// <summary>Large binaries (photos, attachments).</summary>
    LargeBinaries = 2,
}
