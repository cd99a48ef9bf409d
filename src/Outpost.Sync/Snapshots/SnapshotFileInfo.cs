using Outpost.Bson;

namespace Outpost.Sync.Snapshots;

/// <summary>A built snapshot file: its id, size, SHA-256, the change-log position it reflects and its document count.</summary>
public sealed record SnapshotFileInfo(string FileId, long Length, string Sha256, long Position, long Documents)
{
    /// <summary>The reply body <c>{ok: 1, fileId, length, sha256, position, documents}</c>.</summary>
    public BsonDocument ToBson() => new() { { "ok", 1 }, { "fileId", FileId }, { "length", Length }, { "sha256", Sha256 }, { "position", Position }, { "documents", Documents } };

    /// <summary>Parses a reply body.</summary>
    public static SnapshotFileInfo FromBson(BsonDocument doc) =>
        new(doc["fileId"].AsString, doc["length"].ToInt64(), doc["sha256"].AsString, doc["position"].ToInt64(), doc["documents"].ToInt64());
}
