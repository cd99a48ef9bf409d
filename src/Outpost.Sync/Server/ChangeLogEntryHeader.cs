using System.Text;
using Outpost.Bson;

namespace Outpost.Sync.Server;

/// <summary>
/// The few fields of an engine change-log entry (<c>{op, db, coll, id, doc?, pre?, upd?, lsid?}</c>) that decide
/// whether sync cares about it, read from the encoded bytes without decoding the pre- and post-images. Most entries a
/// sync reader walks are skipped (sync's own writes, metadata, other collections), and decoding a ~3 KB entry only to
/// look at its collection name was the reader's largest cost.
/// </summary>
/// For a push's writes, <c>Origin</c> is the pushing client id and <c>OriginSeq</c> the push's first applied sequence
/// (the session's <c>c</c> and <c>a</c>).
internal readonly record struct ChangeLogEntryHeader(string Op, string Collection, BsonValue? Id, bool FromSync, string? Origin = null, long OriginSeq = 0)
{
    private static readonly byte[] SyncSessionId = Encoding.UTF8.GetBytes("outpost-sync");

    /// <summary>
    /// Reads the header of a document change (<c>insert</c>, <c>update</c>, <c>replace</c>, <c>delete</c>) of
    /// <paramref name="database"/>; false for DDL events and other databases. <see cref="Id"/> is decoded only when
    /// <paramref name="wantId"/> says the collection is of interest.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> entry, ReadOnlySpan<byte> database, Func<string, bool> wantId, out ChangeLogEntryHeader header)
    {
        header = default;
        string? op = null, collection = null;
        BsonValue? id = null;
        bool fromSync = false, dbMatches = false;
        string? origin = null;
        long originSeq = 0;
        foreach (var element in new BsonDocumentView(entry))
        {
            var name = element.Name;
            if (name.SequenceEqual("op"u8))
            {
                var value = element.Value.AsStringUtf8;
                if (value.SequenceEqual("insert"u8)) op = "insert";
                else if (value.SequenceEqual("update"u8)) op = "update";
                else if (value.SequenceEqual("replace"u8)) op = "replace";
                else if (value.SequenceEqual("delete"u8)) op = "delete";
                else return false;
            }
            else if (name.SequenceEqual("db"u8))
            {
                if (element.Value.Type != BsonType.String || !element.Value.AsStringUtf8.SequenceEqual(database)) return false;
                dbMatches = true;
            }
            else if (name.SequenceEqual("coll"u8))
            {
                if (element.Value.Type != BsonType.String) return false;
                collection = element.Value.AsString;
            }
            else if (name.SequenceEqual("id"u8))
            {
                if (collection is not null && wantId(collection)) id = element.Value.ToBsonValue();
            }
            else if (name.SequenceEqual("lsid"u8))
            {
                if (element.Value.Type != BsonType.Document) continue;
                var session = element.Value.AsDocument;
                fromSync = session.TryGetElement("id"u8, out var lid) && lid.Type == BsonType.String && lid.AsStringUtf8.SequenceEqual(SyncSessionId);
                if (fromSync && session.TryGetElement("c"u8, out var c) && c.Type == BsonType.String && session.TryGetElement("a"u8, out var a) && a.Type == BsonType.Int64)
                {
                    origin = c.AsString;
                    originSeq = a.AsInt64;
                }
            }
        }
        if (op is null || collection is null || !dbMatches) return false;
        header = new ChangeLogEntryHeader(op, collection, id, fromSync, origin, originSeq);
        return true;
    }
}
