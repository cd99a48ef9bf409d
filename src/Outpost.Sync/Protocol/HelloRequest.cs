using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary><c>POST /sync/v1/hello</c>: token check, server clock and the merge policies of the synced collections.</summary>
public sealed record HelloRequest(string ClientId)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new() { { "v", SyncProtocol.Version }, { "clientId", ClientId } };

    /// <summary>Parses the wire form.</summary>
    public static HelloRequest FromBson(BsonDocument doc) => new(SyncCodec.String(doc, "clientId"));
}
