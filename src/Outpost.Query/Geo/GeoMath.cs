namespace Outpost.Query.Geo;

/// <summary>Distance and containment helpers for $geoWithin, $geoIntersects and $near.</summary>
public static class GeoMath
{
    /// <summary>Earth radius in meters MongoDB uses for 2dsphere distances.</summary>
    public const double EarthRadiusMeters = 6378100.0;

    /// <summary>Planar distance (legacy 2d coordinates).</summary>
    public static double PlanarDistance(GeoPoint a, GeoPoint b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    /// <summary>Great-circle distance in radians between two lon/lat points in degrees (haversine).</summary>
    public static double SphericalDistanceRadians(GeoPoint a, GeoPoint b)
    {
        double lat1 = a.Y * Math.PI / 180, lat2 = b.Y * Math.PI / 180;
        double dLat = lat2 - lat1, dLon = (b.X - a.X) * Math.PI / 180;
        double h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Great-circle distance in meters.</summary>
    public static double SphericalDistanceMeters(GeoPoint a, GeoPoint b) => SphericalDistanceRadians(a, b) * EarthRadiusMeters;

    /// <summary>Point in polygon (ray casting; boundary points count as inside). Ring = closed or open list of vertices.</summary>
    public static bool InRing(GeoPoint p, IReadOnlyList<GeoPoint> ring)
    {
        bool inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if (OnSegment(p, a, b))
            {
                return true;
            }

            if ((a.Y > p.Y) != (b.Y > p.Y) && p.X < ((b.X - a.X) * (p.Y - a.Y) / (b.Y - a.Y)) + a.X)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    /// <summary>Point in a polygon with holes: inside the outer ring and not strictly inside any hole.</summary>
    public static bool InPolygon(GeoPoint p, IReadOnlyList<IReadOnlyList<GeoPoint>> rings)
    {
        if (rings.Count == 0 || !InRing(p, rings[0]))
        {
            return false;
        }

        for (int i = 1; i < rings.Count; i++)
        {
            if (InRing(p, rings[i]) && !OnBoundary(p, rings[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool OnBoundary(GeoPoint p, IReadOnlyList<GeoPoint> ring)
    {
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            if (OnSegment(p, ring[i], ring[j]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool OnSegment(GeoPoint p, GeoPoint a, GeoPoint b)
    {
        double cross = ((b.X - a.X) * (p.Y - a.Y)) - ((b.Y - a.Y) * (p.X - a.X));
        return Math.Abs(cross) < 1e-12 && p.X >= Math.Min(a.X, b.X) && p.X <= Math.Max(a.X, b.X) && p.Y >= Math.Min(a.Y, b.Y) && p.Y <= Math.Max(a.Y, b.Y);
    }
}
