using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Query;
using Outpost.Query.Geo;

namespace Outpost.Engine.Indexes.Geo;

/// <summary>
/// $near / $nearSphere / $geoNear over a 2dsphere index: scans the cells covering a growing circle (×4 per round)
/// and emits, each round, the not yet emitted documents inside that circle in distance order — every document nearer
/// than the radius lies in the covered cells, so the output is globally sorted and a limit stops the scan early.
/// </summary>
internal sealed class GeoNearSearch
{
    private const double FirstRadiusMeters = 2000;
    private readonly IndexState _index;
    private readonly GeoIndexKind _kind;
    private readonly NearQuery _near;

    public GeoNearSearch(IndexState index, NearQuery near)
    {
        _index = index;
        _kind = (GeoIndexKind)index.Kind;
        _near = near;
    }

    public IndexState Index => _index;

    /// <summary>Radius expressed in degrees of latitude for a distance in the query's units.</summary>
    private double Degrees(double distance) =>
        _near.IsGeoJson ? distance / GeoMath.EarthRadiusMeters * 180 / Math.PI
        : _near.Spherical ? distance * 180 / Math.PI
        : distance;

    private double WholeWorld => _near.IsGeoJson ? Math.PI * GeoMath.EarthRadiusMeters : _near.Spherical ? Math.PI : 520;

    private double FirstRadius => _near.IsGeoJson ? FirstRadiusMeters : _near.Spherical ? FirstRadiusMeters / GeoMath.EarthRadiusMeters : 0.02;

    /// <summary>The index scan for one radius (also what explain shows).</summary>
    public QueryPlan PlanFor(double radius)
    {
        var deg = Degrees(radius);
        var lat0 = _near.Point.Y;
        double minLon, maxLon;
        var minLat = lat0 - deg;
        var maxLat = lat0 + deg;
        if (!_near.IsGeoJson && !_near.Spherical || maxLat >= 90 || minLat <= -90)
        {
            (minLon, maxLon) = !_near.IsGeoJson && !_near.Spherical ? (_near.Point.X - deg, _near.Point.X + deg) : (-180, 180);
        }
        else
        {
            var lonDeg = deg / Math.Max(Math.Cos(Math.Max(Math.Abs(minLat), Math.Abs(maxLat)) * Math.PI / 180), 1e-9);
            (minLon, maxLon) = lonDeg >= 180 ? (-180, 180) : (_near.Point.X - lonDeg, _near.Point.X + lonDeg);
        }

        var ranges = minLon < -180 || maxLon > 180 ? GeoCells.Cover(-180, minLat, 180, maxLat) : GeoCells.Cover(minLon, minLat, maxLon, maxLat);
        return new QueryPlan
        {
            Index = _index,
            Ranges = ranges,
            NeedsDedup = true,
            ProvidesSort = true,
            IndexBounds = new BsonDocument(_kind.Path, new BsonArray { $"near {_near.Point.X}, {_near.Point.Y} within {radius}" }),
        };
    }

    /// <summary>Matching documents nearest first, with their distance in the query's units.</summary>
    public async IAsyncEnumerable<(byte[] IdKey, BsonDocument Document, double Distance)> ExecuteAsync(
        ReadSource source, CollectionState state, DocumentMatcher matcher, ExecutionStats stats, OperationContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var max = Math.Min(_near.MaxDistance ?? double.PositiveInfinity, WholeWorld);
        var radius = _near.MaxDistance is not null ? max : Math.Min(FirstRadius, max);
        var emitted = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            var found = new List<(byte[] IdKey, BsonDocument Document, double Distance)>();
            var plan = PlanFor(radius);
            await foreach (var (idKey, doc) in PlanExecutor.ExecuteAsync(source, state, plan, matcher, stats, context, cancellationToken).ConfigureAwait(false))
            {
                var distance = Distance(doc);
                if (distance > radius && radius < max) continue;
                if (!emitted.Add(Convert.ToBase64String(idKey))) continue;
                found.Add((idKey, doc, distance));
            }

            found.Sort((a, b) => a.Distance.CompareTo(b.Distance));
            foreach (var hit in found) yield return hit;
            if (radius >= max) yield break;
            radius = Math.Min(radius * 4, max);
        }
    }

    /// <summary>Distance from the query point to the nearest stored point of the document (+∞ without points).</summary>
    public double Distance(BsonDocument document)
    {
        var best = double.PositiveInfinity;
        foreach (var p in _kind.PointsOf(document)) best = Math.Min(best, _near.DistanceTo(p));
        return best;
    }

    /// <summary>The stored location nearest to the query point (includeLocs).</summary>
    public BsonValue? NearestLocation(BsonDocument document)
    {
        var values = new List<BsonValue>();
        DocumentPaths.Collect(document, _kind.Path.Split('.'), 0, values, expandLeafArrays: false);
        BsonValue? best = null;
        var bestDistance = double.PositiveInfinity;
        foreach (var v in values)
        {
            var candidates = v is BsonArray a && a.Count > 0 && !a[0].IsNumeric ? (IEnumerable<BsonValue>)a : [v];
            foreach (var c in candidates)
            {
                if (!GeoPoint.TryParse(c, out var p)) continue;
                var d = _near.DistanceTo(p);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = c;
                }
            }
        }

        return best;
    }
}
