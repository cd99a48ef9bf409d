namespace Outpost.Sync.Attachments;

/// <summary>Configuration of the server side of attachments.</summary>
public sealed class AttachmentServerOptions
{
    /// <summary>The GridFS bucket (in the sync database) that receives uploads: <c>&lt;bucket&gt;.files</c>, <c>&lt;bucket&gt;.chunks</c>.</summary>
    public string BucketName { get; init; } = "fs";

    /// <summary>Side collection of upload sessions: <c>{_id: attachment id, fileId, subject, clientId, coll, docId, length, chunkSize, sha256, md5?, received, complete}</c>.</summary>
    public string UploadsCollection { get; init; } = "__sync_uploads";

    /// <summary>Largest attachment accepted.</summary>
    public long MaxLength { get; init; } = 2L * 1024 * 1024 * 1024;
}
