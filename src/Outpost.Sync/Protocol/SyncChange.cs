using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>
/// One document as the server sends it: the exact stored document and its merge metadata, or a removal (deleted, or no
/// longer inside the client's rules). <see cref="Position"/> is the change-log position of this version (0: not known,
/// e.g. snapshot pages): a client never lets a version replace one it holds from a later position.
/// </summary>
public sealed record SyncChange(string Collection, BsonValue Id, BsonDocument? Document, BsonDocument? Metadata, bool Removed, long Position = 0)
{
    /// <summary>The wire form <c>{coll, id, doc?, meta?, removed, pos?}</c>.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "coll", Collection }, { "id", Id } };
        if (Document is not null) doc.Add("doc", Document);
        if (Metadata is not null) doc.Add("meta", Metadata);
        doc.Add("removed", Removed);
        if (Position > 0) doc.Add("pos", Position);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static SyncChange FromBson(BsonDocument doc) =>
        new(SyncCodec.String(doc, "coll"), doc.TryGetValue("id", out var id) ? id : throw SyncProtocolException.BadValue("change needs an id"),
            doc.TryGetValue("doc", out var d) && d is BsonDocument dd ? dd : null,
            doc.TryGetValue("meta", out var m) && m is BsonDocument md ? md : null,
            doc.TryGetValue("removed", out var r) && r is BsonBoolean { Value: true },
            SyncCodec.Int64(doc, "pos", 0));

    internal static BsonArray ToArray(IReadOnlyList<SyncChange> changes)
    {
        var array = new BsonArray();
        foreach (var c in changes) array.Add(c.ToBson());
        return array;
    }

    internal static List<SyncChange> FromArray(BsonValue? value)
    {
        var list = new List<SyncChange>();
        if (value is BsonArray array)
            foreach (var item in array) list.Add(FromBson(item.AsDocument));
        return list;
    }
}
