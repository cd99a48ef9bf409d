using Outpost.Bson;
using Outpost.Query.Geo;

namespace Outpost.Engine.Indexes.Geo;

/// <summary>
/// A 2dsphere index on one field: GeoJSON points and legacy [lon, lat] pairs get their cell key (arrays of points one
/// key each); other GeoJSON geometries share one key; documents without the field get none (2dsphere v2+ is sparse).
/// Malformed geometry fails the write with 16755 as MongoDB.
/// </summary>
internal sealed class GeoIndexKind : IIndexKind
{
    private readonly string[] _parts;

    public GeoIndexKind(BsonDocument keyPattern)
    {
        KeyPattern = keyPattern;
        if (keyPattern.ElementCount != 1)
            throw new MongoException(ErrorCodes.CannotCreateIndex, "compound 2dsphere indexes are not supported by Outpost; index the geometry field alone");
        Path = keyPattern.GetElement(0).Name;
        _parts = Path.Split('.');
    }

    public BsonDocument KeyPattern { get; }

    public string Path { get; }

    public bool SupportsComparisons => false;

    public bool GenerateKeys(BsonDocument document, List<byte[]> keys)
    {
        var values = new List<BsonValue>();
        Query.DocumentPaths.Collect(document, _parts, 0, values, expandLeafArrays: false);
        var multi = false;
        foreach (var value in values)
        {
            if (value is BsonNull or BsonUndefined) continue;
            if (value is BsonArray array && array.Count > 0 && !array[0].IsNumeric)
            {
                multi = true;
                foreach (var item in array) AddKey(item, keys);
            }
            else
            {
                AddKey(value, keys);
            }
        }

        return multi || values.Count > 1;
    }

    private static void AddKey(BsonValue value, List<byte[]> keys)
    {
        byte[] key;
        if (GeoPoint.TryParse(value, out var p))
        {
            if (p.X is < -180 or > 180 || p.Y is < -90 or > 90)
                throw new MongoException(16755, "Location16755", $"Can't extract geo keys: longitude/latitude is out of bounds, lng: {p.X} lat: {p.Y}");
            key = GeoCells.Key(p.X, p.Y);
        }
        else if (value is BsonDocument d && d.TryGetValue("type", out var t) && t is BsonString
                 && (d.Contains("coordinates") || d.Contains("geometries")))
        {
            key = GeoCells.OtherKey;
        }
        else
        {
            throw new MongoException(16755, "Location16755", $"Can't extract geo keys: unknown GeoJSON type: {value}");
        }

        foreach (var k in keys) if (k.AsSpan().SequenceEqual(key)) return;
        keys.Add(key);
    }

    public BsonDocument? DescribeKey(BsonDocument document, ReadOnlySpan<byte> key) => null;

    /// <summary>The points stored at the indexed field of a document.</summary>
    public List<GeoPoint> PointsOf(BsonDocument document)
    {
        var values = new List<BsonValue>();
        Query.DocumentPaths.Collect(document, _parts, 0, values, expandLeafArrays: false);
        var points = new List<GeoPoint>();
        foreach (var value in values)
        {
            if (GeoPoint.TryParse(value, out var p)) points.Add(p);
            else if (value is BsonArray a)
                foreach (var item in a)
                    if (GeoPoint.TryParse(item, out var q)) points.Add(q);
        }

        return points;
    }
}
