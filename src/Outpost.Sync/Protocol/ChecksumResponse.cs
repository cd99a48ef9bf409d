using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>Checksums at change-log <see cref="Position"/>.</summary>
public sealed record ChecksumResponse(long Position, IReadOnlyList<SubscriptionChecksum> Checksums)
{
    /// <summary>The wire form.</summary>
    public BsonDocument ToBson()
    {
        var array = new BsonArray();
        foreach (var c in Checksums) array.Add(c.ToBson());
        return new BsonDocument { { "ok", 1 }, { "position", Position }, { "checksums", array } };
    }

    /// <summary>Parses the wire form.</summary>
    public static ChecksumResponse FromBson(BsonDocument doc)
    {
        var list = new List<SubscriptionChecksum>();
        foreach (var item in doc["checksums"].AsArray) list.Add(SubscriptionChecksum.FromBson(item.AsDocument));
        return new(SyncCodec.Int64(doc, "position"), list);
    }
}
