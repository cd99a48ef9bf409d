using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>The reply to a push: the highest applied sequence and one result per operation processed.</summary>
public sealed record PushResponse(string ClientId, long Acked, long ServerTime, IReadOnlyList<OperationResult> Results)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var results = new BsonArray();
        foreach (var r in Results) results.Add(r.ToBson());
        return new BsonDocument { { "ok", 1 }, { "clientId", ClientId }, { "acked", Acked }, { "serverTime", ServerTime }, { "results", results } };
    }

    /// <summary>Parses the wire form.</summary>
    public static PushResponse FromBson(BsonDocument doc)
    {
        var results = new List<OperationResult>();
        foreach (var item in doc["results"].AsArray) results.Add(OperationResult.FromBson(item.AsDocument));
        return new(SyncCodec.String(doc, "clientId"), SyncCodec.Int64(doc, "acked"), SyncCodec.Int64(doc, "serverTime", 0), results);
    }
}
