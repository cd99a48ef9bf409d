using Outpost.Sync.Attachments;

namespace Outpost.Client.Attachments;

/// <summary>How a client stores and uploads attachments.</summary>
public sealed class AttachmentOptions
{
    /// <summary>The local blob store; null = the database path plus <c>.attachments</c>.</summary>
    public string? Directory { get; init; }

    /// <summary>Upload chunk size (each acknowledged chunk is a GridFS chunk on the server). Default 255 KiB, as GridFS.</summary>
    public int ChunkSize { get; init; } = AttachmentProtocol.DefaultChunkSize;

    /// <summary>Attachments up to this size upload in the small-binaries lane (thumbnails), larger ones in the large lane.</summary>
    public long SmallBinaryLimit { get; init; } = 512 * 1024;

    /// <summary>Bytes asked per download request.</summary>
    public int DownloadRangeSize { get; init; } = 4 * 1024 * 1024;
}
