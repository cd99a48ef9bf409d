namespace Outpost.Sync.Attachments;

/// <summary>
/// Names and limits of the attachment part of <c>outpost-sync/1</c> (docs/sync-protocol.md, "Attachments"). The
/// endpoints are POSTs of BSON bodies under <c>/sync/v1/attachments/</c>, like every other sync endpoint, so any
/// <see cref="Transport.ISyncTransport"/> carries them.
/// </summary>
public static class AttachmentProtocol
{
    /// <summary>Endpoint names as passed to <see cref="Transport.ISyncTransport.SendAsync"/> (relative to <c>/sync/v1</c>).</summary>
    public const string Begin = "attachments/begin", Chunk = "attachments/chunk", Complete = "attachments/complete", Download = "attachments/download";

    /// <summary>GridFS's default chunk size (255 KiB): chunks stay well under the 16 MiB document limit and fill pages evenly.</summary>
    public const int DefaultChunkSize = 255 * 1024;

    /// <summary>Smallest and largest chunk size a client may choose.</summary>
    public const int MinChunkSize = 1024, MaxChunkSize = 8 * 1024 * 1024;

    /// <summary>Largest byte range one download request returns.</summary>
    public const int MaxDownloadBytes = 8 * 1024 * 1024;
}
