using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// The merge state the server keeps beside each synced document: the stamp of the winning write of every path,
/// set elements with their add/remove stamps, appended entries, and siblings of keep-both fields.
/// Stored as a BSON document (<see cref="ToBson"/>) next to the document, never inside it, so wire-protocol
/// clients see exactly the documents the apps wrote.
/// </summary>
public sealed class SyncMetadata
{
    public Dictionary<string, FieldStamp> Stamps { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, Dictionary<BsonValue, ElementState>> Sets { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<StampedValue>> Appends { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<StampedValue>> Siblings { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, UnitPresence> Presence { get; } = new(StringComparer.Ordinal);

    /// <summary>True when the document's last winning write was a delete.</summary>
    public bool Deleted { get; set; }

    /// <summary>The greatest stamp of any write applied: the document's version for checkpoints and UIs.</summary>
    public FieldStamp? Version { get; set; }

    public SyncMetadata Clone() => FromBson(ToBson());

    public BsonDocument ToBson()
    {
        var stamps = new BsonArray();
        foreach (var (path, stamp) in Stamps.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            stamps.Add(new BsonDocument { { "p", path }, { "t", stamp.Time.Value }, { "n", stamp.Node } });
        }
        var sets = new BsonArray();
        foreach (var (path, elements) in Sets.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var items = new BsonArray();
            foreach (var e in elements.Values.OrderBy(e => e.Value, BsonComparer.Instance))
            {
                var item = new BsonDocument { { "v", e.Value } };
                if (e.Added is { } a) item.Add("a", StampToBson(a));
                if (e.Removed is { } r) item.Add("r", StampToBson(r));
                items.Add(item);
            }
            sets.Add(new BsonDocument { { "p", path }, { "e", items } });
        }
        var doc = new BsonDocument { { "v", 1 }, { "deleted", Deleted }, { "stamps", stamps }, { "sets", sets } };
        doc.Add("appends", ListsToBson(Appends));
        doc.Add("siblings", ListsToBson(Siblings));
        var presence = new BsonArray();
        foreach (var (path, p) in Presence.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var item = StampToBson(p.Stamp);
            item.Add("p", path);
            item.Add("exists", p.Exists);
            presence.Add(item);
        }
        doc.Add("presence", presence);
        if (Version is { } version)
        {
            doc.Add("version", StampToBson(version));
        }
        return doc;
    }

    public static SyncMetadata FromBson(BsonDocument doc)
    {
        var meta = new SyncMetadata { Deleted = doc.TryGetValue("deleted", out var d) && d.AsBoolean };
        foreach (var s in doc["stamps"].AsArray)
        {
            var sd = s.AsDocument;
            meta.Stamps[sd["p"].AsString] = new FieldStamp(new HlcTimestamp(sd["t"].AsInt64), sd["n"].AsString);
        }
        foreach (var s in doc["sets"].AsArray)
        {
            var sd = s.AsDocument;
            var elements = new Dictionary<BsonValue, ElementState>(BsonComparer.Instance);
            foreach (var e in sd["e"].AsArray)
            {
                var ed = e.AsDocument;
                var value = ed["v"];
                elements[value] = new ElementState(value,
                    ed.TryGetValue("a", out var a) ? StampFromBson(a) : null,
                    ed.TryGetValue("r", out var r) ? StampFromBson(r) : null);
            }
            meta.Sets[sd["p"].AsString] = elements;
        }
        ListsFromBson(doc["appends"].AsArray, meta.Appends);
        ListsFromBson(doc["siblings"].AsArray, meta.Siblings);
        foreach (var item in doc["presence"].AsArray)
        {
            meta.Presence[item.AsDocument["p"].AsString] = new UnitPresence(StampFromBson(item), item.AsDocument["exists"].AsBoolean);
        }
        if (doc.TryGetValue("version", out var v))
        {
            meta.Version = StampFromBson(v);
        }
        return meta;
    }

    internal static BsonDocument StampToBson(FieldStamp stamp) => new() { { "t", stamp.Time.Value }, { "n", stamp.Node } };

    internal static FieldStamp StampFromBson(BsonValue value) =>
        new(new HlcTimestamp(value.AsDocument["t"].AsInt64), value.AsDocument["n"].AsString);

    private static BsonArray ListsToBson(Dictionary<string, List<StampedValue>> lists)
    {
        var array = new BsonArray();
        foreach (var (path, values) in lists.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var items = new BsonArray();
            foreach (var v in values)
            {
                var item = StampToBson(v.Stamp);
                item.Add("v", v.Value ?? BsonNull.Value);
                item.Add("missing", v.Value is null);
                items.Add(item);
            }
            array.Add(new BsonDocument { { "p", path }, { "e", items } });
        }
        return array;
    }

    private static void ListsFromBson(BsonArray array, Dictionary<string, List<StampedValue>> into)
    {
        foreach (var entry in array)
        {
            var ed = entry.AsDocument;
            var list = new List<StampedValue>();
            foreach (var item in ed["e"].AsArray)
            {
                var id = item.AsDocument;
                list.Add(new StampedValue(id["missing"].AsBoolean ? null : id["v"], StampFromBson(id)));
            }
            into[ed["p"].AsString] = list;
        }
    }
}
