using Outpost.Bson;

namespace Outpost.Query.Geo;

/// <summary>
/// A region parsed from $geoWithin / $geoIntersects / $near operands. Polygons use planar edges between lon/lat vertices
/// (MongoDB uses geodesic edges for GeoJSON; the difference matters only for very large polygons).
/// </summary>
public sealed class GeoShape
{
    private GeoShape(string kind) => Kind = kind;

    /// <summary>"polygon", "multipolygon", "box", "center", "centerSphere", "point".</summary>
    public string Kind { get; }

    public IReadOnlyList<IReadOnlyList<IReadOnlyList<GeoPoint>>> Polygons { get; private init; } = [];
    public GeoPoint Center { get; private init; }
    public double Radius { get; private init; }
    public GeoPoint Min { get; private init; }
    public GeoPoint Max { get; private init; }

    /// <summary>Whether a stored value (GeoJSON point or legacy pair) lies in this region.</summary>
    public bool Contains(BsonValue? value)
    {
        if (!GeoPoint.TryParse(value, out var p))
        {
            return false;
        }

        return Kind switch
        {
            "box" => p.X >= Min.X && p.X <= Max.X && p.Y >= Min.Y && p.Y <= Max.Y,
            "center" => GeoMath.PlanarDistance(p, Center) <= Radius,
            "centerSphere" => GeoMath.SphericalDistanceRadians(p, Center) <= Radius,
            "point" => p == Center,
            _ => Polygons.Any(poly => GeoMath.InPolygon(p, poly)),
        };
    }

    /// <summary>Parses the operand of $geoWithin.</summary>
    public static GeoShape ParseWithin(BsonValue operand)
    {
        if (operand is not BsonDocument d || d.ElementCount != 1)
        {
            throw new MongoException(ErrorCodes.BadValue, "$geoWithin not supported with provided geometry: " + operand);
        }

        var e = d.GetElement(0);
        switch (e.Name)
        {
            case "$geometry":
                return ParseGeometry(e.Value, allowPoint: false);
            case "$box" when e.Value is BsonArray box && box.Count == 2 && GeoPoint.TryParse(box[0], out var a) && GeoPoint.TryParse(box[1], out var b):
                return new GeoShape("box") { Min = new GeoPoint(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y)), Max = new GeoPoint(Math.Max(a.X, b.X), Math.Max(a.Y, b.Y)) };
            case "$center" or "$centerSphere" when e.Value is BsonArray c && c.Count == 2 && GeoPoint.TryParse(c[0], out var center) && c[1].IsNumeric:
                double r = c[1].ToDouble();
                if (r < 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, "radius must be a non-negative number");
                }

                return new GeoShape(e.Name[1..]) { Center = center, Radius = r };
            case "$polygon" when e.Value is BsonArray poly && poly.Count >= 3:
                return new GeoShape("polygon") { Polygons = [[poly.Select(ToPoint).ToArray()]] };
            default:
                throw new MongoException(ErrorCodes.BadValue, $"$geoWithin not supported with provided geometry: {operand}");
        }
    }

    /// <summary>Parses a GeoJSON geometry (Point, Polygon, MultiPolygon).</summary>
    public static GeoShape ParseGeometry(BsonValue geometry, bool allowPoint)
    {
        if (geometry is not BsonDocument g || !g.TryGetValue("type", out var t) || t is not BsonString type ||
            !g.TryGetValue("coordinates", out var coords) || coords is not BsonArray ca)
        {
            throw new MongoException(ErrorCodes.BadValue, $"unknown GeoJSON type: {geometry}");
        }

        switch (type.Value)
        {
            case "Point" when allowPoint:
                return new GeoShape("point") { Center = ToPoint(ca) };
            case "Polygon":
                return new GeoShape("polygon") { Polygons = [ParseRings(ca)] };
            case "MultiPolygon":
                return new GeoShape("multipolygon") { Polygons = ca.Select(p => ParseRings(p)).ToArray() };
            default:
                throw new MongoException(ErrorCodes.BadValue, $"unknown GeoJSON type: {geometry}");
        }
    }

    private static IReadOnlyList<IReadOnlyList<GeoPoint>> ParseRings(BsonValue rings)
    {
        if (rings is not BsonArray ra || ra.Count == 0)
        {
            throw new MongoException(ErrorCodes.BadValue, "Polygon coordinates must be an array of rings");
        }

        var result = new List<IReadOnlyList<GeoPoint>>();
        foreach (var ring in ra)
        {
            if (ring is not BsonArray pts || pts.Count < 4 || !pts[0].Equals(pts[^1]))
            {
                throw new MongoException(ErrorCodes.BadValue, "Loop must have at least 4 points and be closed: first and last vertices must be equal");
            }

            result.Add(pts.Select(ToPoint).ToArray());
        }

        return result;
    }

    private static GeoPoint ToPoint(BsonValue v) =>
        GeoPoint.TryParse(v, out var p) ? p : throw new MongoException(ErrorCodes.BadValue, $"Point must only contain numeric elements: {v}");
}
