using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary><c>POST /sync/v1/snapshot</c>: one page of a subscription's documents; <see cref="Cursor"/> resumes.</summary>
public sealed record SnapshotRequest(SyncSubscription Subscription, BsonDocument? Cursor = null, int Limit = SyncProtocol.DefaultLimit)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "v", SyncProtocol.Version }, { "sub", Subscription.ToBson() }, { "limit", Limit } };
        if (Cursor is not null) doc.Add("cursor", Cursor);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static SnapshotRequest FromBson(BsonDocument doc) =>
        new(SyncSubscription.FromBson(doc.TryGetValue("sub", out var s) && s is BsonDocument sd ? sd : throw SyncProtocolException.BadValue("'sub' is required")),
            doc.TryGetValue("cursor", out var c) && c is BsonDocument cd ? cd : null,
            (int)Math.Clamp(SyncCodec.Int64(doc, "limit", SyncProtocol.DefaultLimit), 1, SyncProtocol.MaxLimit));
}
