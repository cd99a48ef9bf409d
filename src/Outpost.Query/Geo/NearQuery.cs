using Outpost.Query.Paths;

namespace Outpost.Query.Geo;

/// <summary>
/// A parsed $near / $nearSphere: the engine sorts results by distance from <see cref="Point"/>; the filter itself
/// only applies the min/max distance bounds. Distances are meters for GeoJSON points, radians for legacy $nearSphere,
/// and coordinate units for legacy $near.
/// </summary>
public sealed class NearQuery
{
    public required FieldPath Path { get; init; }
    public required GeoPoint Point { get; init; }
    public bool Spherical { get; init; }
    public bool IsGeoJson { get; init; }
    public double? MinDistance { get; init; }
    public double? MaxDistance { get; init; }

    /// <summary>Distance from the query point in this query's units.</summary>
    public double DistanceTo(GeoPoint p) =>
        IsGeoJson ? GeoMath.SphericalDistanceMeters(Point, p)
        : Spherical ? GeoMath.SphericalDistanceRadians(Point, p)
        : GeoMath.PlanarDistance(Point, p);
}
