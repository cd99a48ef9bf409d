namespace Outpost.Client.Attachments;

/// <summary>Progress of one upload or download.</summary>
/// <param name="Id">The attachment.</param>
/// <param name="Upload">True for an upload, false for a download.</param>
/// <param name="Bytes">Bytes acknowledged (upload) or received (download) so far.</param>
/// <param name="Length">Total bytes.</param>
public sealed record AttachmentProgress(string Id, bool Upload, long Bytes, long Length);
