using Outpost.Bson;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Protocol;

/// <summary>
/// The BSON forms of the merge types that travel in protocol messages: stamps, operations, field changes, conflicts
/// and merge policies. Malformed input raises <see cref="SyncProtocolException"/> (400), never a crash.
/// </summary>
public static class SyncCodec
{
    /// <summary><c>{t, n}</c>.</summary>
    public static BsonDocument Stamp(FieldStamp stamp) => new() { { "t", stamp.Time.Value }, { "n", stamp.Node } };

    /// <summary>Parses <c>{t, n}</c>.</summary>
    public static FieldStamp Stamp(BsonValue value)
    {
        var doc = value as BsonDocument ?? throw SyncProtocolException.BadValue("stamp must be a document");
        return new FieldStamp(new HlcTimestamp(Int64(doc, "t")), String(doc, "n"));
    }

    /// <summary>The wire form of one operation (the client id travels once per push, not per operation).</summary>
    public static BsonDocument Operation(DocumentOperation op)
    {
        var changes = new BsonArray();
        foreach (var c in op.Changes)
        {
            var change = new BsonDocument { { "p", c.Path }, { "k", KindName(c.Kind) } };
            if (c.Value is not null) change.Add("v", c.Value);
            if (c.Base is { } b) change.Add("b", Stamp(b));
            changes.Add(change);
        }
        return new BsonDocument
        {
            { "seq", op.Sequence }, { "coll", op.Collection }, { "id", op.DocumentId }, { "del", op.IsDelete },
            { "stamp", Stamp(op.Stamp) }, { "changes", changes },
        };
    }

    /// <summary>Parses one operation of a push from <paramref name="clientId"/>.</summary>
    public static DocumentOperation Operation(BsonValue value, string clientId)
    {
        var doc = value as BsonDocument ?? throw SyncProtocolException.BadValue("operation must be a document");
        var changes = new List<FieldChange>();
        if (doc.TryGetValue("changes", out var cv))
        {
            foreach (var item in cv as BsonArray ?? throw SyncProtocolException.BadValue("changes must be an array"))
            {
                var c = item as BsonDocument ?? throw SyncProtocolException.BadValue("change must be a document");
                changes.Add(new FieldChange(String(c, "p"), KindFromName(String(c, "k")),
                    c.TryGetValue("v", out var v) ? v : null,
                    c.TryGetValue("b", out var b) ? Stamp(b) : null));
            }
        }
        if (!doc.TryGetValue("id", out var id)) throw SyncProtocolException.BadValue("operation needs an id");
        return new DocumentOperation(clientId, Int64(doc, "seq"), String(doc, "coll"), id,
            doc.TryGetValue("del", out var del) && del is BsonBoolean { Value: true }, changes, Stamp(doc["stamp"]));
    }

    /// <summary>The wire form of a conflict record.</summary>
    public static BsonDocument Conflict(ConflictRecord c)
    {
        var doc = new BsonDocument
        {
            { "coll", c.Collection }, { "id", c.DocumentId }, { "p", c.Path }, { "strategy", c.Strategy.ToString() },
            { "current", StampedToBson(c.Current) }, { "incoming", StampedToBson(c.Incoming) }, { "needsReview", c.NeedsReview },
        };
        if (c.Result is not null) doc.Add("result", c.Result);
        return doc;
    }

    /// <summary>Parses a conflict record.</summary>
    public static ConflictRecord Conflict(BsonDocument doc) =>
        new(String(doc, "coll"), doc["id"], String(doc, "p"), Enum.Parse<MergeStrategy>(String(doc, "strategy")),
            StampedFromBson(doc["current"].AsDocument), StampedFromBson(doc["incoming"].AsDocument),
            doc.TryGetValue("result", out var r) ? r : null, doc["needsReview"].AsBoolean);

    /// <summary>
    /// A merge policy as data. Custom resolvers are code and do not travel: a client predicts custom fields as
    /// last-writer-wins until the server's result arrives.
    /// </summary>
    public static BsonDocument Policy(MergePolicy policy)
    {
        var fields = new BsonArray();
        foreach (var (path, fp) in policy.Fields.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var f = new BsonDocument { { "p", path }, { "strategy", fp.Strategy.ToString() } };
            if (fp.PriorityOrder.Count > 0)
            {
                var order = new BsonArray();
                foreach (var s in fp.PriorityOrder) order.Add(s);
                f.Add("priority", order);
            }
            fields.Add(f);
        }
        return new BsonDocument { { "default", policy.Default.Strategy.ToString() }, { "fields", fields } };
    }

    /// <summary>Rebuilds a policy sent by the server (custom fields become last-writer-wins, see <see cref="Policy(MergePolicy)"/>).</summary>
    public static MergePolicy Policy(BsonDocument doc)
    {
        var policy = new MergePolicy(FieldPolicyOf(String(doc, "default"), null));
        foreach (var item in doc["fields"].AsArray)
        {
            var f = item.AsDocument;
            policy.For(String(f, "p"), FieldPolicyOf(String(f, "strategy"), f.TryGetValue("priority", out var p) ? p.AsArray : null));
        }
        return policy;
    }

    private static FieldPolicy FieldPolicyOf(string name, BsonArray? priority)
    {
        var strategy = Enum.Parse<MergeStrategy>(name);
        if (strategy == MergeStrategy.Custom) strategy = MergeStrategy.LastWriterWins;
        var order = new List<string>();
        if (priority is not null)
            foreach (var v in priority) order.Add(v.AsString);
        return new FieldPolicy(strategy) { PriorityOrder = order };
    }

    /// <summary>The protocol name of a change kind.</summary>
    public static string KindName(FieldChangeKind kind) => kind switch
    {
        FieldChangeKind.Set => "set",
        FieldChangeKind.Unset => "unset",
        FieldChangeKind.Increment => "inc",
        FieldChangeKind.AddToSet => "addToSet",
        FieldChangeKind.RemoveFromSet => "removeFromSet",
        FieldChangeKind.Append => "append",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a change kind name.</summary>
    public static FieldChangeKind KindFromName(string name) => name switch
    {
        "set" => FieldChangeKind.Set,
        "unset" => FieldChangeKind.Unset,
        "inc" => FieldChangeKind.Increment,
        "addToSet" => FieldChangeKind.AddToSet,
        "removeFromSet" => FieldChangeKind.RemoveFromSet,
        "append" => FieldChangeKind.Append,
        _ => throw SyncProtocolException.BadValue($"unknown change kind '{name}'"),
    };

    /// <summary>A required string field.</summary>
    public static string String(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v is BsonString s ? s.Value : throw SyncProtocolException.BadValue($"'{name}' must be a string");

    /// <summary>A required integer field (int32, int64 or integral double).</summary>
    public static long Int64(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToInt64() : throw SyncProtocolException.BadValue($"'{name}' must be a number");

    /// <summary>An optional integer field.</summary>
    public static long Int64(BsonDocument doc, string name, long fallback) =>
        doc.TryGetValue(name, out var v) && v.IsNumeric ? v.ToInt64() : fallback;


    private static BsonDocument StampedToBson(StampedValue v)
    {
        var doc = Stamp(v.Stamp);
        if (v.Value is not null) doc.Add("v", v.Value);
        return doc;
    }

    private static StampedValue StampedFromBson(BsonDocument doc) => new(doc.TryGetValue("v", out var v) ? v : null, Stamp(doc));
}
