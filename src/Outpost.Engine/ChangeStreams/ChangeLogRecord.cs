using Outpost.Bson;

namespace Outpost.Engine.ChangeStreams;

/// <summary>
/// The engine's change-log entry format (BSON): <c>{op, db, coll, id?, doc?, pre?, upd?, to?, lsid?, txn?}</c>.
/// One entry per changed document or DDL event; the storage position of the entry is the event's identity.
/// </summary>
internal static class ChangeLogRecord
{
    public static byte[] Document(string op, string database, string collection, BsonValue id, BsonDocument? post, BsonDocument? pre, BsonDocument? updateDescription, OperationContext context)
    {
        var doc = new BsonDocument { { "op", op }, { "db", database }, { "coll", collection }, { "id", id } };
        if (post is not null) doc.Add("doc", post);
        if (pre is not null) doc.Add("pre", pre);
        if (updateDescription is not null) doc.Add("upd", updateDescription);
        AddSession(doc, context);
        return BsonSerializer.Serialize(doc);
    }

    /// <summary>
    /// As <see cref="Document"/>, but splices the already-encoded post-image bytes in as the "doc" element instead of
    /// serializing the document a second time (the insert path's hottest allocation).
    /// </summary>
    public static byte[] DocumentWithRawPost(string op, string database, string collection, BsonValue id, ReadOnlySpan<byte> post, BsonDocument? pre, BsonDocument? updateDescription, OperationContext context)
    {
        var header = Document(op, database, collection, id, null, pre, updateDescription, context);
        ReadOnlySpan<byte> name = "doc"u8;
        var total = header.Length + 1 + name.Length + 1 + post.Length;
        var result = new byte[total];
        header.AsSpan(0, header.Length - 1).CopyTo(result);
        var position = header.Length - 1;
        result[position++] = 0x03; // embedded document
        name.CopyTo(result.AsSpan(position));
        position += name.Length;
        result[position++] = 0;
        post.CopyTo(result.AsSpan(position));
        position += post.Length;
        result[position] = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(result, total);
        return result;
    }

    public static byte[] Ddl(string op, string database, string? collection, BsonDocument? extra = null)
    {
        var doc = new BsonDocument { { "op", op }, { "db", database } };
        if (collection is not null) doc.Add("coll", collection);
        if (extra is not null)
            foreach (var e in extra) doc.Add(e.Name, e.Value);
        return BsonSerializer.Serialize(doc);
    }

    private static void AddSession(BsonDocument doc, OperationContext context)
    {
        if (context.Transaction is { } txn)
        {
            if (txn.Options.Session is { } lsid) doc.Add("lsid", lsid);
            if (txn.Options.TxnNumber is { } number) doc.Add("txn", number);
        }
    }

    /// <summary>MongoDB's updateDescription between two versions of a document.</summary>
    public static BsonDocument Diff(BsonDocument before, BsonDocument after)
    {
        var updated = new BsonDocument();
        var removed = new BsonArray();
        DiffInto(before, after, "", updated, removed);
        return new BsonDocument { { "updatedFields", updated }, { "removedFields", removed }, { "truncatedArrays", new BsonArray() } };
    }

    private static void DiffInto(BsonDocument before, BsonDocument after, string prefix, BsonDocument updated, BsonArray removed)
    {
        foreach (var e in before)
            if (!after.Contains(e.Name)) removed.Add(prefix + e.Name);
        foreach (var e in after)
        {
            if (!before.TryGetValue(e.Name, out var old))
            {
                updated.Add(prefix + e.Name, e.Value);
            }
            else if (old is BsonDocument od && e.Value is BsonDocument nd)
            {
                DiffInto(od, nd, prefix + e.Name + ".", updated, removed);
            }
            else if (old.Type != e.Value.Type || !old.Equals(e.Value))
            {
                updated.Add(prefix + e.Name, e.Value);
            }
        }
    }
}
