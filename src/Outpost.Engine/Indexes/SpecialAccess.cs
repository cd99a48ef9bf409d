using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Indexes.Geo;
using Outpost.Engine.Indexes.Text;
using Outpost.Engine.Query;
using Outpost.Query.Geo;

namespace Outpost.Engine.Indexes;

/// <summary>
/// Access paths through the special index kinds, decided after the b-tree planner: <c>$text</c> through the text
/// index (27 when there is none), <c>$near</c>/<c>$nearSphere</c> through a 2dsphere index in distance order (291
/// when there is none), and <c>$geoWithin</c> through a 2dsphere index when the planner found nothing better.
/// Each find gets its own instance: it remembers the text score / distance of each returned document.
/// </summary>
internal sealed class SpecialAccess
{
    private readonly Dictionary<BsonDocument, double> _meta = new(ReferenceEqualityComparer.Instance);

    private SpecialAccess(TextSearch? text, GeoNearSearch? near)
    {
        Text = text;
        Near = near;
    }

    public TextSearch? Text { get; }

    public GeoNearSearch? Near { get; }

    /// <summary>The name of the metadata this access path produces ("textScore" or "geoNearDistance").</summary>
    public string MetaName => Text is not null ? "textScore" : "geoNearDistance";

    /// <summary>Replaces <paramref name="plan"/> when the filter needs (or profits from) a special index.</summary>
    public static QueryPlan Adjust(CollectionState state, DocumentMatcher matcher, QueryPlan plan)
    {
        var analysis = matcher.Analysis;
        if (analysis is null) return plan;
        if (analysis.Text is { } textQuery)
        {
            if (analysis.Near is not null)
                throw new MongoException(ErrorCodes.BadValue, "text and geoNear not allowed in same query");
            IndexState? textIndex = null;
            foreach (var index in state.Indexes)
                if (index.Kind is TextIndexKind) textIndex = index;
            if (textIndex is null) throw new MongoException(ErrorCodes.IndexNotFound, "text index required for $text query");
            var search = new TextSearch((TextIndexKind)textIndex.Kind, textQuery);
            var kind = (TextIndexKind)textIndex.Kind;
            var ranges = new List<Outpost.Storage.KeyRange>();
            var terms = new BsonArray();
            foreach (var term in search.IndexTerms)
            {
                ranges.Add(Outpost.Storage.KeyRange.Prefix(kind.EncodeTerm(term)));
                terms.Add(term);
            }

            ranges.Sort((a, b) => a.Lower.AsSpan().SequenceCompareTo(b.Lower));
            return new QueryPlan
            {
                Index = textIndex, Ranges = ranges, NeedsDedup = true, IndexBounds = new BsonDocument("_fts", terms),
                Special = new SpecialAccess(search, null),
            };
        }

        if (analysis.Near is { } near)
        {
            var path = near.Path.ToString();
            var geo = FindGeoIndex(state, path)
                ?? throw new MongoException(ErrorCodes.NoQueryExecutionPlans, "error processing query: planner returned error :: caused by :: unable to find index for $geoNear query");
            var search = new GeoNearSearch(geo, near);
            var first = search.PlanFor(near.MaxDistance ?? double.PositiveInfinity);
            return new QueryPlan
            {
                Index = geo, Ranges = first.Ranges, NeedsDedup = true, ProvidesSort = true, IndexBounds = first.IndexBounds,
                Special = new SpecialAccess(null, search),
            };
        }

        return plan.IsCollectionScan ? WithinPlan(state, matcher.Filter) ?? plan : plan;
    }

    public static IndexState? FindGeoIndex(CollectionState state, string path)
    {
        foreach (var index in state.Indexes)
            if (!index.Hidden && index.Kind is GeoIndexKind g && g.Path == path) return index;
        return null;
    }

    /// <summary>A 2dsphere scan of the cells covering a top-level $geoWithin's bounding box.</summary>
    private static QueryPlan? WithinPlan(CollectionState state, BsonDocument filter)
    {
        foreach (var e in filter)
        {
            if (e.Name.StartsWith('$') || e.Value is not BsonDocument ops) continue;
            var within = ops.TryGetValue("$geoWithin", out var w) ? w : ops.TryGetValue("$within", out var w2) ? w2 : null;
            if (within is null) continue;
            var index = FindGeoIndex(state, e.Name);
            if (index is null) continue;
            var shape = GeoShape.ParseWithin(within);
            var box = BoundingBox(shape);
            if (box is null) continue;
            var (minLon, minLat, maxLon, maxLat) = box.Value;
            return new QueryPlan
            {
                Index = index, Ranges = GeoCells.Cover(minLon, minLat, maxLon, maxLat), NeedsDedup = true,
                IndexBounds = new BsonDocument(e.Name, new BsonArray { $"box [{minLon}, {minLat}] to [{maxLon}, {maxLat}]" }),
            };
        }

        return null;
    }

    private static (double, double, double, double)? BoundingBox(GeoShape shape)
    {
        switch (shape.Kind)
        {
            case "box":
                return (shape.Min.X, shape.Min.Y, shape.Max.X, shape.Max.Y);
            case "center":
                return (shape.Center.X - shape.Radius, shape.Center.Y - shape.Radius, shape.Center.X + shape.Radius, shape.Center.Y + shape.Radius);
            case "centerSphere":
            {
                var deg = shape.Radius * 180 / Math.PI;
                var minLat = shape.Center.Y - deg;
                var maxLat = shape.Center.Y + deg;
                if (minLat <= -90 || maxLat >= 90) return (-180, minLat, 180, maxLat);
                var lonDeg = deg / Math.Cos(Math.Max(Math.Abs(minLat), Math.Abs(maxLat)) * Math.PI / 180);
                return lonDeg >= 180 ? (-180, minLat, 180, maxLat) : (shape.Center.X - lonDeg, minLat, shape.Center.X + lonDeg, maxLat);
            }

            case "polygon" or "multipolygon":
            {
                double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
                foreach (var polygon in shape.Polygons)
                {
                    foreach (var p in polygon[0])
                    {
                        minX = Math.Min(minX, p.X);
                        minY = Math.Min(minY, p.Y);
                        maxX = Math.Max(maxX, p.X);
                        maxY = Math.Max(maxY, p.Y);
                    }
                }

                return minX > maxX ? null : (minX, minY, maxX, maxY);
            }

            default:
                return null;
        }
    }

    /// <summary>Runs the access path: text matches (scored) or nearest-first geo matches.</summary>
    public async IAsyncEnumerable<(byte[] IdKey, BsonDocument Document)> ExecuteAsync(ReadSource source, CollectionState state, QueryPlan plan,
        DocumentMatcher matcher, ExecutionStats stats, OperationContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Near is not null)
        {
            await foreach (var (idKey, doc, distance) in Near.ExecuteAsync(source, state, matcher, stats, context, cancellationToken).ConfigureAwait(false))
            {
                _meta[doc] = distance;
                yield return (idKey, doc);
            }

            yield break;
        }

        await foreach (var (idKey, doc) in PlanExecutor.ExecuteAsync(source, state, plan, matcher, stats, context, cancellationToken).ConfigureAwait(false))
        {
            if (!Text!.TryScore(doc, out var score)) continue;
            _meta[doc] = score;
            yield return (idKey, doc);
        }
    }

    /// <summary>The text score or distance of a document this access path returned.</summary>
    public double? MetaOf(BsonDocument document) => _meta.TryGetValue(document, out var v) ? v : null;
}
