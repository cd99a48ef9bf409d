using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>
/// A sort order for pipeline stages and accumulators ($sort, $sortArray, $top/$bottom, window sortBy): either a whole-value
/// direction (1/-1) or fields with directions. Array fields sort by their smallest element ascending and largest descending,
/// missing sorts as null — MongoDB's sort semantics.
/// </summary>
internal sealed class SortKey : IComparer<BsonValue>
{
    private readonly (string[] Path, int Direction)[] _fields;
    private readonly int _wholeDirection;

    private SortKey((string[], int)[] fields, int wholeDirection)
    {
        _fields = fields;
        _wholeDirection = wholeDirection;
    }

    /// <summary>The sorted field paths (dotted), in order; empty for a whole-value sort.</summary>
    public IReadOnlyList<(string[] Path, int Direction)> Fields => _fields;

    public static SortKey Parse(BsonValue spec, string owner)
    {
        if (spec.IsNumeric)
        {
            int d = Direction(spec, owner);
            return new SortKey([], d);
        }

        if (spec is not BsonDocument doc)
        {
            throw new MongoException(15973, $"the {owner} key specification must be an object");
        }

        if (doc.ElementCount == 0)
        {
            throw new MongoException(15976, $"{owner} must have at least one sort key");
        }

        var fields = new List<(string[], int)>();
        foreach (var e in doc)
        {
            if (e.Value is BsonDocument meta && meta.TryGetValue("$meta", out _))
            {
                // $meta sorts (textScore) are resolved by the engine; the field is read like a normal value if present.
                fields.Add((e.Name.Split('.'), -1));
                continue;
            }

            fields.Add((e.Name.Split('.'), Direction(e.Value, owner)));
        }

        return new SortKey([.. fields], 0);
    }

    private static int Direction(BsonValue v, string owner)
    {
        if (v.IsNumeric)
        {
            double d = v.ToDouble();
            if (d == 1)
            {
                return 1;
            }

            if (d == -1)
            {
                return -1;
            }
        }

        throw new MongoException(15975, $"{owner} key ordering must be 1 (for ascending) or -1 (for descending)");
    }

    public int Compare(BsonValue? x, BsonValue? y)
    {
        x ??= BsonNull.Value;
        y ??= BsonNull.Value;
        if (_fields.Length == 0)
        {
            return _wholeDirection * Values.Compare(Normalize(x), Normalize(y));
        }

        foreach (var (path, dir) in _fields)
        {
            int c = Values.Compare(KeyOf(x, path, dir), KeyOf(y, path, dir));
            if (c != 0)
            {
                return dir * c;
            }
        }

        return 0;
    }

    private static BsonValue Normalize(BsonValue v) => Values.IsMissing(v) ? BsonNull.Value : v;

    /// <summary>The value a document sorts by for one field: arrays collapse to their min (asc) or max (desc) element.</summary>
    public static BsonValue KeyOf(BsonValue doc, string[] path, int direction)
    {
        var values = new List<BsonValue>();
        Collect(doc, path, 0, values);
        if (values.Count == 0)
        {
            return BsonNull.Value;
        }

        var best = values[0];
        for (int i = 1; i < values.Count; i++)
        {
            int c = Values.Compare(values[i], best);
            if ((direction > 0 && c < 0) || (direction < 0 && c > 0))
            {
                best = values[i];
            }
        }

        return best;
    }

    private static void Collect(BsonValue v, string[] path, int i, List<BsonValue> output)
    {
        if (i == path.Length)
        {
            if (v is BsonArray arr)
            {
                if (arr.Count == 0)
                {
                    // An empty array sorts below null (MongoDB treats [] as undefined-like in sort keys).
                    output.Add(Values.Missing);
                }

                foreach (var e in arr)
                {
                    output.Add(e);
                }
            }
            else
            {
                output.Add(v);
            }

            return;
        }

        switch (v)
        {
            case BsonDocument d:
                if (d.TryGetValue(path[i], out var next))
                {
                    Collect(next, path, i + 1, output);
                }
                else
                {
                    output.Add(BsonNull.Value);
                }

                break;
            case BsonArray a:
                if (int.TryParse(path[i], out int idx) && idx >= 0 && idx < a.Count && a[idx] is not BsonDocument)
                {
                    Collect(a[idx], path, i + 1, output);
                    break;
                }

                foreach (var e in a)
                {
                    Collect(e, path, i, output);
                }

                break;
            default:
                output.Add(BsonNull.Value);
                break;
        }
    }
}
