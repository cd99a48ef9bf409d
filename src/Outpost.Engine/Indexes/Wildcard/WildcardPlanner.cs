using System.Collections.Immutable;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Query;
using Outpost.Storage;

namespace Outpost.Engine.Indexes.Wildcard;

/// <summary>
/// Plans a query through a wildcard index when the b-tree planner found nothing: for one top-level path predicate
/// the wildcard index covers, the ordinary planner builds the bounds as for a single-field index <c>{path: 1}</c>,
/// and each bound is prefixed with the encoded path. Predicates that can match a missing field, an embedded document
/// or a whole array are left alone (the wildcard index has no keys for those), as in MongoDB.
/// </summary>
internal static class WildcardPlanner
{
    public static QueryPlan? Plan(CollectionState state, BsonDocument filter, QueryPlanner planner)
    {
        IndexState? wildcard = null;
        foreach (var index in state.Indexes)
            if (!index.Hidden && index.Kind is WildcardIndexKind && index.PartialFilter is null) wildcard = index;
        if (wildcard is null) return null;
        var kind = (WildcardIndexKind)wildcard.Kind;

        string? chosen = null;
        foreach (var (path, predicate) in FieldPredicate.Analyze(filter))
        {
            if (!filter.Contains(path) || !kind.Covers(path) || predicate.MatchesMissing || !Usable(predicate)) continue;
            if (chosen is null || predicate.IsPoint) chosen = path;
            if (predicate.IsPoint) break;
        }

        if (chosen is null) return null;

        // The ordinary planner on a stand-in single-field index over the same tree.
        var spec = new BsonDocument { { "v", 2 }, { "key", new BsonDocument(chosen, 1) }, { "name", wildcard.Name }, { "sparse", true } };
        var standIn = new IndexState(spec, wildcard.Tree, IndexKinds.Create(spec["key"].AsDocument, true, kind.Encoder), wildcard.Multikey);
        var single = new CollectionState(state.Database, state.Name, state.Uuid, state.Tree, state.Options, ImmutableArray.Create(standIn));
        var plan = planner.Plan(single, new BsonDocument(chosen, filter.TryGetValue(chosen, out var v) ? v : BsonNull.Value), null, null);
        if (plan.Index is null) return null;

        var prefix = kind.PathPrefix(chosen);
        var ranges = new List<KeyRange>(plan.Ranges.Count);
        foreach (var r in plan.Ranges)
        {
            var lower = r.Lower is null ? prefix : Concat(prefix, r.Lower);
            var upper = r.Upper is null ? KeyRange.PrefixSuccessor(prefix) : Concat(prefix, r.Upper);
            ranges.Add(new KeyRange(lower, r.LowerInclusive || r.Lower is null, upper, r.Upper is not null && r.UpperInclusive));
        }

        var bounds = new BsonDocument("$_path", new BsonArray { $"[\"{chosen}\", \"{chosen}\"]" });
        foreach (var e in plan.IndexBounds) bounds.Add(e);
        return new QueryPlan { Index = wildcard, Ranges = ranges, NeedsDedup = true, IndexBounds = bounds };
    }

    private static bool Usable(FieldPredicate p)
    {
        if (p.Points is { } points)
        {
            foreach (var point in points)
                if (point is BsonDocument or BsonArray or BsonNull or BsonUndefined or BsonMinKey or BsonMaxKey) return false;
            return points.Count > 0;
        }

        return p.Lower is not (BsonDocument or BsonArray or BsonMinKey) && p.Upper is not (BsonDocument or BsonArray or BsonMaxKey)
            && (p.Lower is not null || p.Upper is not null);
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }
}
