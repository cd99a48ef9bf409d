using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// One index to create: its key pattern, name and options. <see cref="FromDocument"/> reads a createIndexes
/// <c>indexes</c> element; options the engine does not interpret (weights, 2dsphereIndexVersion, …) are kept in
/// <see cref="Options"/> and echoed by listIndexes.
/// </summary>
public sealed class IndexModel
{
    /// <summary>The key pattern, e.g. <c>{a: 1, b: -1}</c>, <c>{t: "text"}</c>, <c>{loc: "2dsphere"}</c>.</summary>
    public required BsonDocument Keys { get; init; }

    /// <summary>The index name; null derives MongoDB's default (<c>a_1_b_-1</c>).</summary>
    public string? Name { get; init; }

    /// <summary>Reject documents whose key already exists (11000).</summary>
    public bool Unique { get; init; }

    /// <summary>Index only documents that have the indexed field(s).</summary>
    public bool Sparse { get; init; }

    /// <summary>Index only documents matching this filter.</summary>
    public BsonDocument? PartialFilterExpression { get; init; }

    /// <summary>TTL: documents expire this many seconds after the date in the (single) indexed field.</summary>
    public long? ExpireAfterSeconds { get; init; }

    /// <summary>Hidden from the planner.</summary>
    public bool Hidden { get; init; }

    /// <summary>Collation of string keys.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Every other option, kept as given (weights, default_language, language_override, textIndexVersion, 2dsphereIndexVersion, wildcardProjection, …).</summary>
    public BsonDocument Options { get; init; } = [];

    /// <summary>Parses one element of createIndexes' <c>indexes</c> array (<c>{key, name, unique, …}</c>).</summary>
    public static IndexModel FromDocument(BsonDocument spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.TryGetValue("key", out var key) || key is not BsonDocument keys || keys.ElementCount == 0)
            throw new MongoException(ErrorCodes.CannotCreateIndex, "Index spec must contain a non-empty 'key' document");
        string? name = null;
        bool unique = false, sparse = false, hidden = false;
        BsonDocument? partial = null, collation = null;
        long? ttl = null;
        var options = new BsonDocument();
        foreach (var e in spec)
        {
            switch (e.Name)
            {
                case "key": break;
                case "v": break;
                case "ns": break;
                case "name":
                    name = e.Value is BsonString s ? s.Value : throw new MongoException(ErrorCodes.TypeMismatch, "The field 'name' must be a string");
                    break;
                case "unique": unique = Truthy(e.Value); break;
                case "sparse": sparse = Truthy(e.Value); break;
                case "hidden": hidden = Truthy(e.Value); break;
                case "background": break;
                case "partialFilterExpression":
                    partial = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "partialFilterExpression must be an object");
                    break;
                case "collation":
                    collation = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "collation must be an object");
                    break;
                case "expireAfterSeconds":
                    if (!e.Value.IsNumeric) throw new MongoException(ErrorCodes.CannotCreateIndex, "TTL index 'expireAfterSeconds' option must be numeric");
                    ttl = e.Value.ToInt64();
                    break;
                default: options.Add(e.Name, e.Value); break;
            }
        }

        return new IndexModel
        {
            Keys = keys, Name = name, Unique = unique, Sparse = sparse, Hidden = hidden, PartialFilterExpression = partial,
            Collation = collation, ExpireAfterSeconds = ttl, Options = options,
        };
    }

    /// <summary>MongoDB's default index name for a key pattern: <c>field_direction</c> pairs joined by underscores.</summary>
    public static string DefaultName(BsonDocument keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var parts = new List<string>(keys.ElementCount * 2);
        foreach (var e in keys)
        {
            parts.Add(e.Name);
            parts.Add(e.Value switch
            {
                BsonString s => s.Value,
                BsonDouble d when d.Value == Math.Floor(d.Value) => ((long)d.Value).ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => e.Value.ToString(),
            });
        }

        return string.Join('_', parts);
    }

    private static bool Truthy(BsonValue v) => v switch
    {
        BsonBoolean b => b.Value,
        BsonNull or BsonUndefined => false,
        _ when v.IsNumeric => v.ToDouble() != 0,
        _ => true,
    };
}
