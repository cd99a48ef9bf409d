using Outpost.Bson;

namespace Outpost.Client.Attachments;

/// <summary>
/// An attachment known to this device. The app stores <see cref="Id"/> in its document (e.g. <c>photo: id</c>); other
/// devices download it by that id.
/// </summary>
/// <param name="Id">Stable id chosen by the device that added it.</param>
/// <param name="Collection">Collection of the document it belongs to (its sync rules authorize the attachment).</param>
/// <param name="DocumentId">_id of that document.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Sha256">SHA-256 of the content (lowercase hex).</param>
/// <param name="Md5">MD5 the app supplied (lowercase hex), or null.</param>
/// <param name="FileName">File name (GridFS <c>filename</c>).</param>
/// <param name="ContentType">MIME type.</param>
/// <param name="State">Where its bytes are.</param>
/// <param name="Acknowledged">Bytes the server has acknowledged (upload progress).</param>
public sealed record AttachmentInfo(
    string Id, string? Collection, BsonValue? DocumentId, long Length, string Sha256, string? Md5, string? FileName, string? ContentType,
    AttachmentState State, long Acknowledged);
