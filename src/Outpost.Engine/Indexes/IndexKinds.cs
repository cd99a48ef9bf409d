using Outpost.Bson;
using Outpost.Engine.Keys;

namespace Outpost.Engine.Indexes;

/// <summary>Chooses the <see cref="IIndexKind"/> for a key pattern; the extension point for text/2dsphere/wildcard.</summary>
internal static class IndexKinds
{
    /// <summary>Validates a key pattern (67 CannotCreateIndex) and creates its kind.</summary>
    public static IIndexKind Create(BsonDocument keyPattern, bool sparse, IKeyEncoder encoder, BsonDocument? spec = null)
    {
        // Special kinds (engine-ext): text and 2dsphere; their options live in the listIndexes spec.
        if (Text.TextIndexSpec.IsText(keyPattern)) return new Text.TextIndexKind(keyPattern, spec ?? new BsonDocument("key", keyPattern), encoder);
        foreach (var e in keyPattern)
            if (e.Value is BsonString { Value: "2dsphere" }) return new Geo.GeoIndexKind(keyPattern);
        var fields = new List<(string Path, bool Descending)>(keyPattern.ElementCount);
        foreach (var e in keyPattern)
        {
            if (e.Name.Length == 0 || e.Name.StartsWith('$') && e.Name != "$**")
                throw new MongoException(ErrorCodes.CannotCreateIndex, $"Index key contains an illegal field name: {e.Name}");
            if (e.Value.IsNumeric)
            {
                var d = e.Value.ToDouble();
                if (d == 0 || double.IsNaN(d))
                    throw new MongoException(ErrorCodes.CannotCreateIndex, $"Values in the index key pattern can't be all zero: {keyPattern}");
                fields.Add((e.Name, d < 0));
            }
            else if (e.Value is BsonString s)
            {
                throw new MongoException(ErrorCodes.CannotCreateIndex, $"Index kind '{s.Value}' is not supported yet");
            }
            else
            {
                throw new MongoException(ErrorCodes.CannotCreateIndex, $"Values in v:2 index key pattern cannot be of type {e.Value.Type}. Only numbers > 0, numbers < 0, and strings are allowed.");
            }
        }

        return new BTreeIndexKind(keyPattern, fields, sparse, encoder);
    }
}
