using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary><c>POST /sync/v1/pull</c>: the change log after <see cref="Checkpoint"/>, filtered by the client's rules.</summary>
public sealed record PullRequest(IReadOnlyList<SyncSubscription> Subscriptions, long Checkpoint, int Limit = SyncProtocol.DefaultLimit)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson() => new()
    {
        { "v", SyncProtocol.Version }, { "subs", SyncSubscription.ToArray(Subscriptions) }, { "checkpoint", Checkpoint }, { "limit", Limit },
    };

    /// <summary>Parses the wire form.</summary>
    public static PullRequest FromBson(BsonDocument doc) =>
        new(SyncSubscription.FromArray(doc.TryGetValue("subs", out var s) ? s : null), SyncCodec.Int64(doc, "checkpoint"),
            (int)Math.Clamp(SyncCodec.Int64(doc, "limit", SyncProtocol.DefaultLimit), 1, SyncProtocol.MaxLimit));
}
