using Outpost.Bson;
using Outpost.Sync.Protocol;

namespace Outpost.Sync.Attachments;

/// <summary>
/// What a client declares when it starts (or resumes) an upload: the attachment's id (chosen by the client, stable
/// across restarts), the document it belongs to (whose sync rules authorize it), its size, chunking and digests.
/// </summary>
public sealed record AttachmentDescriptor(
    string Id, string Collection, BsonValue DocumentId, long Length, int ChunkSize, string Sha256,
    string? Md5 = null, string? FileName = null, string? ContentType = null)
{
    /// <summary>The wire form <c>{id, coll, docId, length, chunkSize, sha256, md5?, filename?, contentType?}</c>.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument
        {
            { "id", Id }, { "coll", Collection }, { "docId", DocumentId }, { "length", Length }, { "chunkSize", ChunkSize }, { "sha256", Sha256 },
        };
        if (Md5 is not null) doc.Add("md5", Md5);
        if (FileName is not null) doc.Add("filename", FileName);
        if (ContentType is not null) doc.Add("contentType", ContentType);
        return doc;
    }

    /// <summary>Parses and validates the wire form.</summary>
    public static AttachmentDescriptor FromBson(BsonDocument doc)
    {
        var descriptor = new AttachmentDescriptor(
            SyncCodec.String(doc, "id"), SyncCodec.String(doc, "coll"),
            doc.TryGetValue("docId", out var d) ? d : throw SyncProtocolException.BadValue("'docId' is required"),
            SyncCodec.Int64(doc, "length"), (int)SyncCodec.Int64(doc, "chunkSize"), SyncCodec.String(doc, "sha256").ToLowerInvariant(),
            OptionalString(doc, "md5")?.ToLowerInvariant(), OptionalString(doc, "filename"), OptionalString(doc, "contentType"));
        descriptor.Validate();
        return descriptor;
    }

    private static string? OptionalString(BsonDocument doc, string name) => doc.TryGetValue(name, out var v) && v is BsonString s ? s.Value : null;

    private void Validate()
    {
        if (Id.Length is 0 or > 128) throw SyncProtocolException.BadValue("attachment id must be 1..128 characters");
        if (Length < 0) throw SyncProtocolException.BadValue("length must be >= 0");
        if (ChunkSize is < AttachmentProtocol.MinChunkSize or > AttachmentProtocol.MaxChunkSize)
            throw SyncProtocolException.BadValue($"chunkSize must be {AttachmentProtocol.MinChunkSize}..{AttachmentProtocol.MaxChunkSize}");
        if (!IsHex(Sha256, 64)) throw SyncProtocolException.BadValue("sha256 must be 64 hex digits");
        if (Md5 is not null && !IsHex(Md5, 32)) throw SyncProtocolException.BadValue("md5 must be 32 hex digits");
    }

    private static bool IsHex(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (var c in s)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        return true;
    }
}
