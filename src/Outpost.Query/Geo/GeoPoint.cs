using Outpost.Bson;

namespace Outpost.Query.Geo;

/// <summary>A point (x = longitude, y = latitude for GeoJSON).</summary>
public readonly record struct GeoPoint(double X, double Y)
{
    /// <summary>Reads a GeoJSON Point, a legacy [x, y] pair or a legacy { x, y } document; false otherwise.</summary>
    public static bool TryParse(BsonValue? value, out GeoPoint point)
    {
        point = default;
        switch (value)
        {
            case BsonDocument d when d.TryGetValue("type", out var t) && t is BsonString { Value: "Point" }:
                return d.TryGetValue("coordinates", out var c) && TryParse(c, out point);
            case BsonDocument d when d.ElementCount >= 2 && d[0].IsNumeric && d[1].IsNumeric:
                point = new GeoPoint(d[0].ToDouble(), d[1].ToDouble());
                return true;
            case BsonArray a when a.Count >= 2 && a[0].IsNumeric && a[1].IsNumeric:
                point = new GeoPoint(a[0].ToDouble(), a[1].ToDouble());
                return true;
            default:
                return false;
        }
    }
}
