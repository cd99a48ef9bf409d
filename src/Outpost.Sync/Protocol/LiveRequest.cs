using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>The first message a client sends on the live WebSocket: what to stream and from where.</summary>
public sealed record LiveRequest(IReadOnlyList<SyncSubscription> Subscriptions, long Checkpoint)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new() { { "v", SyncProtocol.Version }, { "subs", SyncSubscription.ToArray(Subscriptions) }, { "checkpoint", Checkpoint } };

    /// <summary>Parses the wire form.</summary>
    public static LiveRequest FromBson(BsonDocument doc) =>
        new(SyncSubscription.FromArray(doc.TryGetValue("subs", out var s) ? s : null), SyncCodec.Int64(doc, "checkpoint"));
}
