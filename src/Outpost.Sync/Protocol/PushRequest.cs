using Outpost.Bson;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Protocol;

/// <summary><c>POST /sync/v1/push</c>: a client's unacknowledged operations, oldest first.</summary>
public sealed record PushRequest(string ClientId, IReadOnlyList<DocumentOperation> Operations)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var ops = new BsonArray();
        foreach (var op in Operations) ops.Add(SyncCodec.Operation(op));
        return new BsonDocument { { "v", SyncProtocol.Version }, { "clientId", ClientId }, { "ops", ops } };
    }

    /// <summary>Parses the wire form; every operation gets the request's client id.</summary>
    public static PushRequest FromBson(BsonDocument doc)
    {
        var clientId = SyncCodec.String(doc, "clientId");
        var ops = new List<DocumentOperation>();
        if (doc.TryGetValue("ops", out var array))
            foreach (var item in array as BsonArray ?? throw SyncProtocolException.BadValue("'ops' must be an array"))
                ops.Add(SyncCodec.Operation(item, clientId));
        return new PushRequest(clientId, ops);
    }
}
