using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>The reply to <see cref="HelloRequest"/>.</summary>
public sealed record HelloResponse(string ServerNode, long ServerTime, long Position, string Subject, IReadOnlyList<SyncCollectionInfo> Collections)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var collections = new BsonArray();
        foreach (var c in Collections) collections.Add(c.ToBson());
        return new BsonDocument
        {
            { "ok", 1 }, { "protocol", SyncProtocol.Name }, { "serverNode", ServerNode }, { "serverTime", ServerTime },
            { "position", Position }, { "subject", Subject }, { "collections", collections },
        };
    }

    /// <summary>Parses the wire form.</summary>
    public static HelloResponse FromBson(BsonDocument doc)
    {
        var collections = new List<SyncCollectionInfo>();
        foreach (var c in doc["collections"].AsArray) collections.Add(SyncCollectionInfo.FromBson(c.AsDocument));
        return new(SyncCodec.String(doc, "serverNode"), SyncCodec.Int64(doc, "serverTime"), SyncCodec.Int64(doc, "position"),
            SyncCodec.String(doc, "subject"), collections);
    }
}
