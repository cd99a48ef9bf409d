using Outpost.Bson;

namespace Outpost.Sync.Attachments;

/// <summary>
/// The server's view of an upload: <see cref="Received"/> bytes are acknowledged (durably stored as GridFS chunks); the
/// client continues from there. <see cref="Complete"/>: verified and visible in <c>&lt;bucket&gt;.files</c>.
/// </summary>
public sealed record UploadStatus(string Id, ObjectId FileId, long Received, bool Complete)
{
    /// <summary>The reply body <c>{ok: 1, id, fileId, received, complete}</c>.</summary>
    public BsonDocument ToBson() => new() { { "ok", 1 }, { "id", Id }, { "fileId", FileId }, { "received", Received }, { "complete", Complete } };

    /// <summary>Parses a reply body.</summary>
    public static UploadStatus FromBson(BsonDocument doc) =>
        new(doc["id"].AsString, doc["fileId"].AsObjectId, doc["received"].ToInt64(), doc["complete"].AsBoolean);
}
