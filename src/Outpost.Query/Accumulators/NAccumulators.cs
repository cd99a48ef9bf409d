using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Accumulators;

/// <summary>$firstN / $lastN: keep n values in arrival order (missing counts as null).</summary>
internal sealed class FirstLastNAccumulator(long n, bool first) : Accumulator
{
    private readonly LinkedList<BsonValue> _values = new();

    public override void Add(BsonValue value)
    {
        if (first && _values.Count >= n)
        {
            return;
        }

        _values.AddLast(Values.NullIfMissing(value));
        if (!first && _values.Count > n)
        {
            _values.RemoveFirst();
        }
    }

    public override BsonValue Result() => new BsonArray(_values);

    public override long ApproximateSize => 40 + _values.Sum(SizeEstimator.Of);

    public override void MergePartial(BsonValue partial)
    {
        foreach (var v in (BsonArray)partial)
        {
            Add(v);
        }
    }
}

/// <summary>$maxN / $minN: the n largest/smallest non-null values, best first.</summary>
internal sealed class MinMaxNAccumulator(long n, int sign) : Accumulator
{
    private readonly List<BsonValue> _values = [];

    public override void Add(BsonValue value)
    {
        if (Values.IsNullish(value))
        {
            return;
        }

        int i = _values.BinarySearch(value, Comparer<BsonValue>.Create((a, b) => -sign * Values.Compare(a, b)));
        if (i < 0)
        {
            i = ~i;
        }

        if (i < n)
        {
            _values.Insert(i, value);
            if (_values.Count > n)
            {
                _values.RemoveAt(_values.Count - 1);
            }
        }
    }

    public override BsonValue Result() => new BsonArray(_values);

    public override void MergePartial(BsonValue partial)
    {
        foreach (var v in (BsonArray)partial)
        {
            Add(v);
        }
    }
}

/// <summary>
/// $top / $bottom / $topN / $bottomN. Inputs are arrays [sortKey1, …, sortKeyK, output] prepared by the accumulator spec;
/// ties keep arrival order.
/// </summary>
internal sealed class TopBottomAccumulator(long n, int[] directions, bool top, bool single) : Accumulator
{
    private readonly List<(BsonValue[] Key, BsonValue Output, long Seq)> _items = [];
    private long _seq;

    private int CompareKeys(BsonValue[] a, BsonValue[] b)
    {
        for (int i = 0; i < directions.Length; i++)
        {
            int c = Values.Compare(a[i], b[i]);
            if (c != 0)
            {
                return directions[i] * c;
            }
        }

        return 0;
    }

    public override void Add(BsonValue value)
    {
        var arr = (BsonArray)value;
        var key = new BsonValue[directions.Length];
        for (int i = 0; i < key.Length; i++)
        {
            key[i] = arr[i];
        }

        var item = (key, Values.NullIfMissing(arr[^1]), _seq++);
        // Keep the list ordered so the first n are the "top" (for $bottom, the order is reversed).
        int pos = _items.Count;
        while (pos > 0)
        {
            int c = CompareKeys(_items[pos - 1].Key, key);
            if (top ? c <= 0 : c < 0)
            {
                break;
            }

            pos--;
        }

        _items.Insert(pos, item);
        if (top && _items.Count > n)
        {
            _items.RemoveAt(_items.Count - 1);
        }
        else if (!top && _items.Count > n)
        {
            _items.RemoveAt(0);
        }
    }

    public override BsonValue Result()
    {
        if (single)
        {
            return _items.Count == 0 ? BsonNull.Value : top ? _items[0].Output : _items[^1].Output;
        }

        return new BsonArray(_items.Select(i => i.Output));
    }

    public override BsonValue GetPartial()
    {
        var arr = new BsonArray();
        foreach (var (key, output, _) in _items)
        {
            var item = new BsonArray(key);
            item.Add(output);
            arr.Add(item);
        }

        return arr;
    }

    public override void MergePartial(BsonValue partial)
    {
        foreach (var item in (BsonArray)partial)
        {
            Add(item);
        }
    }
}

/// <summary>$percentile / $median: nearest-rank percentiles over numeric inputs (MongoDB's 'approximate' gives these on small inputs).</summary>
internal sealed class PercentileAccumulator(double[]? percentiles) : Accumulator
{
    private readonly List<double> _values = [];

    public static double[] ParsePercentiles(BsonValue spec)
    {
        if (spec is not BsonArray arr || arr.Count == 0)
        {
            throw new MongoException(7750301, "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: " + spec);
        }

        var result = new double[arr.Count];
        for (int i = 0; i < arr.Count; i++)
        {
            if (!arr[i].IsNumeric || arr[i].ToDouble() is < 0 or > 1)
            {
                throw new MongoException(7750302, "The $percentile 'p' field must be an array of numbers from [0.0, 1.0], but found: " + arr[i]);
            }

            result[i] = arr[i].ToDouble();
        }

        return result;
    }

    public override void Add(BsonValue value)
    {
        if (value.IsNumeric)
        {
            _values.Add(value.ToDouble());
        }
    }

    private double At(double p)
    {
        _values.Sort();
        int rank = (int)Math.Ceiling(p * _values.Count) - 1;
        return _values[Math.Clamp(rank, 0, _values.Count - 1)];
    }

    public override BsonValue Result()
    {
        if (percentiles is null)
        {
            return _values.Count == 0 ? BsonNull.Value : new BsonDouble(At(0.5));
        }

        if (_values.Count == 0)
        {
            return new BsonArray(percentiles.Select(_ => (BsonValue)BsonNull.Value));
        }

        return new BsonArray(percentiles.Select(p => (BsonValue)new BsonDouble(At(p))));
    }

    public override long ApproximateSize => 40 + 8L * _values.Count;

    public override BsonValue GetPartial() => new BsonArray(_values.Select(v => (BsonValue)new BsonDouble(v)));

    public override void MergePartial(BsonValue partial)
    {
        foreach (var v in (BsonArray)partial)
        {
            Add(v);
        }
    }
}
