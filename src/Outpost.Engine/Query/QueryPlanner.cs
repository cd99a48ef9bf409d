using System.Buffers;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Indexes;
using Outpost.Engine.Keys;
using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// Chooses among a collection's indexes: the one with the most equality fields matched, then a range field, then
/// one providing the sort; COLLSCAN otherwise. Honors hints (<c>{$natural: ±1}</c> forces a collection scan).
/// Sparse indexes are used only when the predicate cannot match missing fields; partial indexes only when the
/// filter contains their partialFilterExpression's conditions.
/// </summary>
internal sealed class QueryPlanner
{
    private const int MaxIntervals = 4096;
    private readonly IKeyEncoder _encoder;

    public QueryPlanner(IKeyEncoder encoder) => _encoder = encoder;

    // collated: the query compares strings by a non-simple collation. Index keys hold binary strings, so string bounds
    // could miss equal-by-collation values and an index order is not the collation's order: string predicates then get
    // no index bounds, and no index provides the sort (the blocking sort uses the collation).
    public QueryPlan Plan(CollectionState collection, BsonDocument filter, BsonDocument? sort, BsonValue? hint, bool collated = false)
    {
        var predicates = FieldPredicate.Analyze(filter);
        if (collated)
        {
            FieldPredicate.RemoveCollationSensitive(predicates);
            sort = null;
        }

        if (hint is not null && !IsEmptyHint(hint))
        {
            if (hint is BsonDocument h && h.ElementCount == 1 && h.GetElement(0).Name == "$natural")
                return new QueryPlan { Reverse = h.GetElement(0).Value.IsNumeric && h.GetElement(0).Value.ToDouble() < 0 };
            var hinted = FindHinted(collection, hint)
                ?? throw new MongoException(ErrorCodes.BadValue, $"error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index");
            return BuildPlan(hinted, predicates, sort, forced: true)!;
        }

        QueryPlan? best = null;
        double bestScore = 0;
        foreach (var index in collection.Indexes)
        {
            if (index.Hidden || !index.Kind.SupportsComparisons) continue;
            if (index.PartialFilter is not null && !Implies(filter, index.PartialFilter)) continue;
            var plan = BuildPlan(index, predicates, sort, forced: false);
            if (plan is null) continue;
            var score = Score(index, plan, predicates);
            if (score > bestScore)
            {
                bestScore = score;
                best = plan;
            }
        }

        return best ?? new QueryPlan();
    }

    private static bool IsEmptyHint(BsonValue hint) => hint is BsonDocument { ElementCount: 0 } || hint is BsonString { Value.Length: 0 };

    private static IndexState? FindHinted(CollectionState collection, BsonValue hint)
    {
        foreach (var index in collection.Indexes)
        {
            if (hint is BsonString name && index.Name == name.Value) return index;
            if (hint is BsonDocument keys && keys.Equals(index.KeyPattern)) return index;
        }

        return null;
    }

    private static double Score(IndexState index, QueryPlan plan, Dictionary<string, FieldPredicate> predicates)
    {
        var score = 0.0;
        var fields = 0;
        foreach (var e in index.KeyPattern)
        {
            if (!predicates.TryGetValue(e.Name, out var p)) break;
            fields++;
            score += p.IsPoint ? 2 : 1;
            if (!p.IsPoint) break;
        }

        if (fields > 0 && fields == index.KeyPattern.ElementCount && (index.Unique || index.IsIdIndex)) score += 1;
        if (plan.ProvidesSort) score += 0.5;

        // Prefer the narrower index among equals: fewer unused trailing fields.
        if (score > 0) score -= 0.01 * (index.KeyPattern.ElementCount - fields);
        return score;
    }

    /// <summary>Builds the scan of one index; null when the index cannot serve the query (no usable field and no sort).</summary>
    private QueryPlan? BuildPlan(IndexState index, Dictionary<string, FieldPredicate> predicates, BsonDocument? sort, bool forced)
    {
        var fields = new List<(string Path, bool Descending)>();
        foreach (var e in index.KeyPattern) fields.Add((e.Name, e.Value.IsNumeric && e.Value.ToDouble() < 0));

        // Leading fields with predicates: points first, then at most one range.
        var used = new List<FieldPredicate>();
        foreach (var (path, _) in fields)
        {
            if (!predicates.TryGetValue(path, out var p)) break;
            if (index.Sparse && p.MatchesMissing && !forced) return null;
            used.Add(p);
            if (!p.IsPoint) break;
        }

        var singlePointPrefix = 0;
        while (singlePointPrefix < used.Count && used[singlePointPrefix].Points is { Count: 1 }) singlePointPrefix++;
        var (providesSort, reverse) = SortCoverage(index, fields, singlePointPrefix, sort);
        if (used.Count == 0 && !providesSort && !forced) return null;

        // A sparse index misses documents without the field: only an equality/range that excludes missing may use it.
        if (index.Sparse && used.Count == 0 && !forced) return null;

        var bounds = new BsonDocument();
        var intervals = new List<(byte[]? Lower, bool LowerInclusive, byte[]? Upper, bool UpperInclusive)> { ([], true, [], true) };
        for (var i = 0; i < used.Count; i++)
        {
            var p = used[i];
            var (path, descending) = fields[i];
            var next = new List<(byte[]?, bool, byte[]?, bool)>();
            var boundText = new BsonArray();
            if (p.IsPoint)
            {
                foreach (var point in p.Points!)
                {
                    boundText.Add($"[{Show(point)}, {Show(point)}]");
                    var enc = Encode(point, descending);
                    foreach (var (lo, _, _, _) in intervals)
                    {
                        var key = Concat(lo!, enc);
                        next.Add((key, true, key, true));
                        if (next.Count > MaxIntervals) break;
                    }
                }

                intervals = SortIntervals(next);
            }
            else
            {
                var lower = p.Lower ?? BracketMin(p.Upper!);
                var lowerInc = p.Lower is null || p.LowerInclusive;
                var upper = p.Upper ?? BracketMax(p.Lower!, out _);
                var upperInc = p.Upper is null ? BracketMaxInclusive(p.Lower!) : p.UpperInclusive;
                if (index.Multikey && p.Lower is not null && p.Upper is not null)
                {
                    // Multikey: one element may satisfy the lower and another the upper bound; use the lower bound only.
                    upper = BracketMax(p.Lower, out _);
                    upperInc = BracketMaxInclusive(p.Lower);
                }

                boundText.Add($"{(lowerInc ? "[" : "(")}{Show(lower)}, {Show(upper)}{(upperInc ? "]" : ")")}");
                var lowEnc = Encode(lower, descending);
                var highEnc = Encode(upper, descending);
                if (descending)
                {
                    (lowEnc, highEnc) = (highEnc, lowEnc);
                    (lowerInc, upperInc) = (upperInc, lowerInc);
                }

                foreach (var (prefix, _, _, _) in intervals)
                    next.Add((Concat(prefix!, lowEnc), lowerInc, Concat(prefix!, highEnc), upperInc));
                intervals = next;
            }

            bounds.Add(path, boundText);
        }

        for (var i = used.Count; i < fields.Count; i++) bounds.Add(fields[i].Path, new BsonArray { "[MinKey, MaxKey]" });

        var ranges = new List<KeyRange>(intervals.Count);
        foreach (var (lo, loInc, hi, hiInc) in intervals)
        {
            if (used.Count == 0)
            {
                ranges.Add(KeyRange.All);
                break;
            }

            // Encodings are prefix-free and entries append more bytes (other fields, the _id), so bounds act on prefixes.
            var lower = loInc ? lo : KeyRange.PrefixSuccessor(lo);
            var upper = hiInc ? KeyRange.PrefixSuccessor(hi) : hi;
            var range = new KeyRange(lower, true, upper, false);
            if (!range.IsEmpty) ranges.Add(range);
        }

        if (reverse) ranges.Reverse();
        var idHack = index.IsIdIndex && used.Count == 1 && used[0].Points is { Count: 1 };
        return new QueryPlan
        {
            Index = index,
            Ranges = ranges,
            Reverse = reverse,
            ProvidesSort = providesSort,
            NeedsDedup = index.Multikey && !index.Unique,
            IsIdHack = idHack,
            IndexBounds = bounds,
        };
    }

    private static (bool Provides, bool Reverse) SortCoverage(IndexState index, List<(string Path, bool Descending)> fields, int singlePointPrefix, BsonDocument? sort)
    {
        if (sort is null || sort.ElementCount == 0) return (false, false);
        if (index.Multikey) return (false, false);
        for (var start = 0; start <= singlePointPrefix; start++)
        {
            if (start + sort.ElementCount > fields.Count) break;
            bool? reverse = null;
            var ok = true;
            var i = start;
            foreach (var e in sort)
            {
                if (!e.Value.IsNumeric || fields[i].Path != e.Name) { ok = false; break; }
                var wantDescending = e.Value.ToDouble() < 0;
                var r = wantDescending != fields[i].Descending;
                if (reverse is not null && reverse != r) { ok = false; break; }
                reverse = r;
                i++;
            }

            if (ok) return (true, reverse ?? false);
        }

        return (false, false);
    }

    private static List<(byte[]?, bool, byte[]?, bool)> SortIntervals(List<(byte[]?, bool, byte[]?, bool)> intervals)
    {
        intervals.Sort((a, b) => a.Item1.AsSpan().SequenceCompareTo(b.Item1));
        var distinct = new List<(byte[]?, bool, byte[]?, bool)>(intervals.Count);
        foreach (var i in intervals)
            if (distinct.Count == 0 || !distinct[^1].Item1.AsSpan().SequenceEqual(i.Item1)) distinct.Add(i);
        return distinct;
    }

    private byte[] Encode(BsonValue value, bool descending)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        _encoder.Encode(value, descending, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Concat(byte[] a, byte[] b)
    {
        var r = new byte[a.Length + b.Length];
        a.CopyTo(r, 0);
        b.CopyTo(r, a.Length);
        return r;
    }

    private static string Show(BsonValue v) => v switch
    {
        BsonMinKey => "MinKey",
        BsonMaxKey => "MaxKey",
        BsonDouble d when double.IsPositiveInfinity(d.Value) => "inf.0",
        BsonDouble d when double.IsNegativeInfinity(d.Value) => "-inf.0",
        _ => v.ToString(),
    };

    /// <summary>The smallest value of <paramref name="v"/>'s type bracket (MongoDB's type-bracketed comparisons).</summary>
    private static BsonValue BracketMin(BsonValue v) => v switch
    {
        _ when v.IsNumeric => double.NegativeInfinity,
        BsonString or BsonSymbol => "",
        BsonObjectId => new ObjectId(new byte[12]),
        BsonDateTime => new BsonDateTime(long.MinValue),
        BsonBoolean => false,
        BsonTimestamp => new BsonTimestamp(0),
        BsonDocument => new BsonDocument(),
        _ => BsonMinKey.Value,
    };

    private static BsonValue BracketMax(BsonValue v, out bool inclusive)
    {
        inclusive = BracketMaxInclusive(v);
        return v switch
        {
            _ when v.IsNumeric => double.PositiveInfinity,
            BsonString or BsonSymbol => new BsonDocument(), // strings end where documents begin
            BsonObjectId => new ObjectId(Enumerable.Repeat((byte)0xFF, 12).ToArray()),
            BsonDateTime => new BsonDateTime(long.MaxValue),
            BsonBoolean => true,
            BsonTimestamp => new BsonTimestamp(ulong.MaxValue),
            BsonDocument => new BsonArray(), // documents end where arrays begin
            _ => BsonMaxKey.Value,
        };
    }

    private static bool BracketMaxInclusive(BsonValue v) => v is not (BsonString or BsonSymbol or BsonDocument);

    /// <summary>Whether the filter certainly implies the partial filter: each of its conditions appears in the filter.</summary>
    public static bool Implies(BsonDocument filter, BsonDocument partial)
    {
        var predicates = FieldPredicate.Analyze(filter);
        foreach (var e in partial)
        {
            if (filter.TryGetValue(e.Name, out var same) && same.Equals(e.Value)) continue;
            if (e.Value is BsonDocument ops && ops.ElementCount == 1)
            {
                var op = ops.GetElement(0);
                if (!predicates.TryGetValue(e.Name, out var p)) return false;
                if (op.Name == "$exists" && op.Value is BsonBoolean { Value: true } && !p.MatchesMissing) continue;
                if (op.Name is "$gt" or "$gte" && Satisfies(p, op.Value, op.Name == "$gte", lower: true)) continue;
                if (op.Name is "$lt" or "$lte" && Satisfies(p, op.Value, op.Name == "$lte", lower: false)) continue;
            }

            return false;
        }

        return true;
    }

    private static bool Satisfies(FieldPredicate p, BsonValue bound, bool inclusive, bool lower)
    {
        bool Within(BsonValue v, bool vInclusive)
        {
            if (BsonComparer.GetBracket(v.Type) != BsonComparer.GetBracket(bound.Type)) return false;
            var c = v.CompareTo(bound);
            if (lower) return c > 0 || (c == 0 && (inclusive || !vInclusive));
            return c < 0 || (c == 0 && (inclusive || !vInclusive));
        }

        if (p.Points is { } points)
        {
            foreach (var point in points) if (!Within(point, true)) return false;
            return points.Count > 0;
        }

        var edge = lower ? p.Lower : p.Upper;
        return edge is not null && Within(edge, lower ? p.LowerInclusive : p.UpperInclusive);
    }
}
