using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>What a client is told about one synced collection: its merge policy and what it may write.</summary>
public sealed record SyncCollectionInfo(string Collection, BsonDocument Policy, bool CanInsert, bool CanDelete, IReadOnlyList<string>? WritableFields)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "coll", Collection }, { "policy", Policy }, { "canInsert", CanInsert }, { "canDelete", CanDelete } };
        if (WritableFields is not null)
        {
            var fields = new BsonArray();
            foreach (var f in WritableFields) fields.Add(f);
            doc.Add("writableFields", fields);
        }
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static SyncCollectionInfo FromBson(BsonDocument doc)
    {
        List<string>? fields = null;
        if (doc.TryGetValue("writableFields", out var wf) && wf is BsonArray array)
        {
            fields = [];
            foreach (var f in array) fields.Add(f.AsString);
        }
        return new(SyncCodec.String(doc, "coll"), doc["policy"].AsDocument, doc["canInsert"].AsBoolean, doc["canDelete"].AsBoolean, fields);
    }
}
