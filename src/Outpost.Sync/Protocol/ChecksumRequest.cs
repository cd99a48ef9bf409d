using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary><c>POST /sync/v1/checksum</c>: per-subscription checksums of what the client should hold.</summary>
public sealed record ChecksumRequest(IReadOnlyList<SyncSubscription> Subscriptions)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new() { { "v", SyncProtocol.Version }, { "subs", SyncSubscription.ToArray(Subscriptions) } };

    /// <summary>Parses the wire form.</summary>
    public static ChecksumRequest FromBson(BsonDocument doc) => new(SyncSubscription.FromArray(doc.TryGetValue("subs", out var s) ? s : null));
}
