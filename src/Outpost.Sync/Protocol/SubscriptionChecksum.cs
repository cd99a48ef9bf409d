using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>The checksum of one subscription's visible documents.</summary>
public sealed record SubscriptionChecksum(string Name, long Count, string Hash)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new() { { "name", Name }, { "count", Count }, { "hash", Hash } };

    /// <summary>Parses the wire form.</summary>
    public static SubscriptionChecksum FromBson(BsonDocument doc) => new(SyncCodec.String(doc, "name"), SyncCodec.Int64(doc, "count"), SyncCodec.String(doc, "hash"));
}
