using Outpost.Bson;

namespace Outpost.Sync.Protocol;

/// <summary>
/// A client's declaration of what it wants of a collection. The server AND-s <see cref="Filter"/> with the
/// collection's read rule, so a subscription can only narrow what the rules allow.
/// </summary>
public sealed record SyncSubscription(string Name, string Collection, BsonDocument? Filter = null)
{
    /// <summary>The wire form <c>{name, coll, filter?}</c>.</summary>
    public BsonDocument ToBson()
    {
        var doc = new BsonDocument { { "name", Name }, { "coll", Collection } };
        if (Filter is not null) doc.Add("filter", Filter);
        return doc;
    }

    /// <summary>Parses the wire form.</summary>
    public static SyncSubscription FromBson(BsonDocument doc) =>
        new(SyncCodec.String(doc, "name"), SyncCodec.String(doc, "coll"),
            doc.TryGetValue("filter", out var f) && f is BsonDocument fd ? fd : null);

    internal static BsonArray ToArray(IReadOnlyList<SyncSubscription> subs)
    {
        var array = new BsonArray();
        foreach (var s in subs) array.Add(s.ToBson());
        return array;
    }

    internal static List<SyncSubscription> FromArray(BsonValue? value)
    {
        var list = new List<SyncSubscription>();
        if (value is BsonArray array)
            foreach (var item in array) list.Add(FromBson(item.AsDocument));
        return list;
    }
}
