using Outpost.Bson;
using Outpost.Query.Geo;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>$geoWithin / $geoIntersects (point data).</summary>
internal sealed class GeoShapeMatcher(FieldPath path, GeoShape shape) : LeafMatcher(path)
{
    public override bool MatchesValue(BsonValue? value) => shape.Contains(value);
}

/// <summary>$near / $nearSphere distance bounds (the engine does the ordering).</summary>
internal sealed class NearMatcher(NearQuery near) : LeafMatcher(near.Path)
{
    public override bool MatchesValue(BsonValue? value)
    {
        if (!GeoPoint.TryParse(value, out var p))
        {
            return false;
        }

        double d = near.DistanceTo(p);
        return (near.MinDistance is not { } min || d >= min) && (near.MaxDistance is not { } max || d <= max);
    }
}
