using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// What the filter says about one field that index bounds can use: a set of points (equality, $in) or a range.
/// Bounds only ever over-approximate; the full filter is re-checked on every fetched document.
/// </summary>
internal sealed class FieldPredicate
{
    /// <summary>Equality/$in values (null when the predicate is a range).</summary>
    public List<BsonValue>? Points { get; set; }

    public BsonValue? Lower { get; set; }

    public bool LowerInclusive { get; set; }

    public BsonValue? Upper { get; set; }

    public bool UpperInclusive { get; set; }

    /// <summary>Whether the predicate can match a document where the field is missing (null equality).</summary>
    public bool MatchesMissing { get; set; }

    public bool IsPoint => Points is not null;

    /// <summary>Extracts the indexable predicates of a filter's top level (and nested $and).</summary>
    public static Dictionary<string, FieldPredicate> Analyze(BsonDocument filter)
    {
        var result = new Dictionary<string, FieldPredicate>(StringComparer.Ordinal);
        AnalyzeInto(filter, result);
        return result;
    }

    /// <summary>Drops the predicates whose bounds involve strings (directly or inside documents), which a collation compares differently.</summary>
    public static void RemoveCollationSensitive(Dictionary<string, FieldPredicate> predicates)
    {
        List<string>? doomed = null;
        foreach (var (path, p) in predicates)
        {
            var sensitive = IsCollationSensitive(p.Lower) || IsCollationSensitive(p.Upper);
            if (p.Points is { } points)
                foreach (var point in points) sensitive |= IsCollationSensitive(point);
            if (sensitive) (doomed ??= []).Add(path);
        }

        if (doomed is null) return;
        foreach (var path in doomed) predicates.Remove(path);
    }

    private static bool IsCollationSensitive(BsonValue? value) => value is BsonString or BsonSymbol or BsonDocument or BsonArray;

    private static void AnalyzeInto(BsonDocument filter, Dictionary<string, FieldPredicate> result)
    {
        foreach (var e in filter)
        {
            if (e.Name == "$and" && e.Value is BsonArray and)
            {
                foreach (var item in and)
                    if (item is BsonDocument sub) AnalyzeInto(sub, result);
                continue;
            }

            if (e.Name.StartsWith('$')) continue;
            if (e.Value is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
            {
                foreach (var op in ops)
                {
                    switch (op.Name)
                    {
                        case "$eq": AddPoints(result, e.Name, [op.Value]); break;
                        case "$in" when op.Value is BsonArray values: AddPoints(result, e.Name, values); break;
                        case "$gt": AddRange(result, e.Name, op.Value, false, true); break;
                        case "$gte": AddRange(result, e.Name, op.Value, true, true); break;
                        case "$lt": AddRange(result, e.Name, op.Value, false, false); break;
                        case "$lte": AddRange(result, e.Name, op.Value, true, false); break;
                    }
                }
            }
            else
            {
                AddPoints(result, e.Name, [e.Value]);
            }
        }
    }

    private static void AddPoints(Dictionary<string, FieldPredicate> result, string field, IReadOnlyList<BsonValue> values)
    {
        var points = new List<BsonValue>(values.Count);
        var missing = false;
        foreach (var v in values)
        {
            // Arrays, regexes and documents with operators need bounds this simple analysis does not build.
            if (v is BsonArray or BsonRegularExpression or BsonMinKey or BsonMaxKey) return;
            if (v.IsNull) missing = true;
            points.Add(v);
        }

        if (result.TryGetValue(field, out var existing) && existing.IsPoint) return; // the first equality is enough
        points.Sort(BsonComparer.Instance);
        result[field] = new FieldPredicate { Points = points, MatchesMissing = missing };
    }

    private static void AddRange(Dictionary<string, FieldPredicate> result, string field, BsonValue bound, bool inclusive, bool isLower)
    {
        if (bound is BsonArray or BsonRegularExpression or BsonMinKey or BsonMaxKey) return;
        if (!result.TryGetValue(field, out var p))
        {
            p = new FieldPredicate();
            result[field] = p;
        }

        if (p.IsPoint) return;
        if (isLower)
        {
            if (p.Lower is null || bound.CompareTo(p.Lower) > 0) (p.Lower, p.LowerInclusive) = (bound, inclusive);
        }
        else if (p.Upper is null || bound.CompareTo(p.Upper) < 0)
        {
            (p.Upper, p.UpperInclusive) = (bound, inclusive);
        }

        if (bound.IsNull && inclusive) p.MatchesMissing = true;
    }
}
