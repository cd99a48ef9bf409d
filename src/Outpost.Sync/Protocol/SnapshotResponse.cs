using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>One snapshot page. <see cref="Cursor"/> null: the snapshot is complete.</summary>
public sealed record SnapshotResponse(IReadOnlyList<SyncChange> Documents, BsonDocument? Cursor, long Position, long? Total)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "ok", 1 }, { "docs", SyncChange.ToArray(Documents) }, { "cursor", (BsonValue?)Cursor ?? BsonNull.Value }, { "position", Position } };
        if (Total is { } t) doc.Add("total", t);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static SnapshotResponse FromBson(BsonDocument doc) =>
        new(SyncChange.FromArray(doc["docs"]), doc.TryGetValue("cursor", out var c) && c is BsonDocument cd ? cd : null,
            SyncCodec.Int64(doc, "position"), doc.TryGetValue("total", out var t) ? t.ToInt64() : null);
}
