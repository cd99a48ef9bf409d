using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Sorting;

/// <summary>
/// A compiled sort specification: an <see cref="IComparer{BsonDocument}"/> in MongoDB order. For an array, an ascending
/// key uses its smallest element and a descending key its largest; missing fields sort as null; an empty array sorts
/// before null. { $meta: "textScore" } keys sort by the score the engine supplies, highest first.
/// </summary>
public sealed class SortSpec : IComparer<BsonDocument>
{
    private readonly (FieldPath? Path, int Direction)[] _keys;
    private readonly IComparer<BsonValue> _comparer;

    private SortSpec((FieldPath?, int)[] keys, IComparer<BsonValue> comparer, BsonDocument source)
    {
        _keys = keys;
        _comparer = comparer;
        Source = source;
    }

    /// <summary>The sort document as given.</summary>
    public BsonDocument Source { get; }

    /// <summary>The sort paths with their directions (1 or -1); null path = textScore.</summary>
    public IReadOnlyList<(string? Path, int Direction)> Keys => _keys.Select(k => (k.Path?.Dotted, k.Direction)).ToArray();

    /// <summary>Supplies a document's text score for { $meta: "textScore" } keys (set by the engine).</summary>
    public Func<BsonDocument, double>? TextScore { get; set; }

    /// <summary>Compiles a sort document; MongoDB's errors for bad directions (15974/15975) and an empty spec.</summary>
    public static SortSpec Compile(BsonDocument sort, Collation? collation = null)
    {
        ArgumentNullException.ThrowIfNull(sort);
        var keys = new List<(FieldPath?, int)>();
        foreach (var e in sort)
        {
            if (e.Name.Length == 0 || e.Name.Split('.').Any(p => p.Length == 0))
            {
                throw new MongoException(ErrorCodes.Location40352, $"FieldPath field names may not be empty strings.");
            }

            if (e.Value is BsonDocument meta)
            {
                if (meta.ElementCount == 1 && meta.TryGetValue("$meta", out var m) && m is BsonString { Value: "textScore" or "searchScore" })
                {
                    keys.Add((null, -1));
                    continue;
                }

                throw new MongoException(ErrorCodes.Location17312, "$meta is the only expression supported by $sort right now");
            }

            if (!e.Value.IsNumeric)
            {
                throw new MongoException(ErrorCodes.Location15974, $"Illegal key in $sort specification: {e.Name}: {e.Value}");
            }

            double d = e.Value.ToDouble();
            if (d != 1 && d != -1)
            {
                throw new MongoException(ErrorCodes.Location15975, "$sort key ordering must be 1 (for ascending) or -1 (for descending)");
            }

            keys.Add((new FieldPath(e.Name), (int)d));
        }

        return new SortSpec([.. keys], collation is { IsSimple: false } c ? c.ValueComparer : BsonComparer.Instance, sort);
    }

    /// <summary>The sort key of a document: one value per key (for precomputing before a large sort).</summary>
    public BsonValue[] GetKey(BsonDocument document)
    {
        var key = new BsonValue[_keys.Length];
        for (int i = 0; i < _keys.Length; i++)
        {
            var (path, dir) = _keys[i];
            key[i] = path is null ? new BsonDouble(TextScore?.Invoke(document) ?? 0) : ExtractKey(document, path, dir, _comparer);
        }

        return key;
    }

    /// <summary>Compares two precomputed keys.</summary>
    public int CompareKeys(BsonValue[] x, BsonValue[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        for (int i = 0; i < _keys.Length; i++)
        {
            int c = _comparer.Compare(x[i], y[i]);
            if (c != 0)
            {
                return c * _keys[i].Direction;
            }
        }

        return 0;
    }

    public int Compare(BsonDocument? x, BsonDocument? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        return CompareKeys(GetKey(x), GetKey(y));
    }

    /// <summary>The value a document sorts by for one path and direction.</summary>
    public static BsonValue ExtractKey(BsonDocument document, FieldPath path, int direction, IComparer<BsonValue> comparer)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(comparer);
        var values = new List<BsonValue>();
        bool sawEmptyArray = false;
        Collect(document, path, 0, values, ref sawEmptyArray);
        if (values.Count == 0)
        {
            return sawEmptyArray ? BsonUndefined.Value : BsonNull.Value;
        }

        var best = values[0];
        for (int i = 1; i < values.Count; i++)
        {
            int c = comparer.Compare(values[i], best);
            if ((direction > 0 && c < 0) || (direction < 0 && c > 0))
            {
                best = values[i];
            }
        }

        return best;
    }

    private static void Collect(BsonValue current, FieldPath path, int depth, List<BsonValue> values, ref bool sawEmptyArray)
    {
        if (depth == path.Length)
        {
            if (current is BsonArray leaf)
            {
                sawEmptyArray |= leaf.Count == 0;
                values.AddRange(leaf);
            }
            else
            {
                values.Add(current);
            }

            return;
        }

        switch (current)
        {
            case BsonDocument d:
                if (d.TryGetValue(path[depth], out var child))
                {
                    Collect(child, path, depth + 1, values, ref sawEmptyArray);
                }
                else
                {
                    values.Add(BsonNull.Value);
                }

                break;
            case BsonArray a:
                int index = path.IndexAt(depth);
                if (index >= 0)
                {
                    if (index < a.Count)
                    {
                        Collect(a[index], path, depth + 1, values, ref sawEmptyArray);
                    }

                    break;
                }

                foreach (var item in a)
                {
                    if (item is BsonDocument)
                    {
                        Collect(item, path, depth, values, ref sawEmptyArray);
                    }
                    else
                    {
                        values.Add(BsonNull.Value);
                    }
                }

                break;
            default:
                values.Add(BsonNull.Value);
                break;
        }
    }
}
