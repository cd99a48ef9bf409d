using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Accumulators;

internal sealed class SumAccumulator : Accumulator
{
    private NumberSum _sum;

    public override void Add(BsonValue value) => _sum.Add(value);

    public override BsonValue Result() => _sum.Result();
}

internal sealed class CountAccumulator : Accumulator
{
    private long _count;

    public override void Add(BsonValue value) => _count++;

    public override BsonValue Result() => Values.IntOrLong(_count);

    public override void MergePartial(BsonValue partial) => _count += partial.ToInt64();
}

internal sealed class AvgAccumulator : Accumulator
{
    private NumberSum _sum;
    private long _count;

    public override void Add(BsonValue value)
    {
        if (value.IsNumeric)
        {
            _sum.Add(value);
            _count++;
        }
    }

    public override BsonValue Result() => _count == 0 ? BsonNull.Value : _sum.Average(_count);

    public override BsonValue GetPartial() => new BsonArray { _sum.Result(), _count };

    public override void MergePartial(BsonValue partial)
    {
        var arr = (BsonArray)partial;
        _sum.Add(arr[0]);
        _count += arr[1].ToInt64();
    }
}

internal sealed class MinMaxAccumulator(int sign) : Accumulator
{
    private BsonValue? _best;

    public override void Add(BsonValue value)
    {
        if (Values.IsNullish(value))
        {
            return;
        }

        if (_best is null || sign * Values.Compare(value, _best) > 0)
        {
            _best = value;
        }
    }

    public override BsonValue Result() => _best ?? BsonNull.Value;

    public override long ApproximateSize => 32 + (_best is null ? 0 : SizeEstimator.Of(_best));
}

internal sealed class FirstLastAccumulator(bool first) : Accumulator
{
    private BsonValue? _value;

    public override void Add(BsonValue value)
    {
        if (first && _value is not null)
        {
            return;
        }

        _value = Values.NullIfMissing(value);
    }

    public override BsonValue Result() => _value ?? BsonNull.Value;

    public override BsonValue GetPartial() => _value is null ? new BsonArray() : new BsonArray { _value };

    public override void MergePartial(BsonValue partial)
    {
        if (partial is BsonArray { Count: 1 } arr)
        {
            Add(arr[0]);
        }
    }

    public override long ApproximateSize => 32 + (_value is null ? 0 : SizeEstimator.Of(_value));
}

internal sealed class PushAccumulator : Accumulator
{
    private readonly BsonArray _values = [];
    private long _size = 40;

    public override void Add(BsonValue value)
    {
        if (Values.IsMissing(value))
        {
            return;
        }

        _values.Add(value);
        _size += 8 + SizeEstimator.Of(value);
    }

    public override BsonValue Result() => _values;

    public override long ApproximateSize => _size;

    public override void MergePartial(BsonValue partial)
    {
        foreach (var v in (BsonArray)partial)
        {
            Add(v);
        }
    }
}

internal sealed class AddToSetAccumulator : Accumulator
{
    private readonly HashSet<BsonValue> _seen = new(BsonComparer.Instance);
    private readonly BsonArray _values = [];
    private long _size = 40;

    public override void Add(BsonValue value)
    {
        if (Values.IsMissing(value) || !_seen.Add(value))
        {
            return;
        }

        _values.Add(value);
        _size += 16 + SizeEstimator.Of(value);
    }

    public override BsonValue Result() => _values;

    public override long ApproximateSize => _size;

    public override void MergePartial(BsonValue partial)
    {
        foreach (var v in (BsonArray)partial)
        {
            Add(v);
        }
    }
}

internal sealed class MergeObjectsAccumulator : Accumulator
{
    private readonly BsonDocument _result = [];

    public override void Add(BsonValue value)
    {
        if (Values.IsNullish(value))
        {
            return;
        }

        if (value is not BsonDocument d)
        {
            throw new MongoException(40400, $"$mergeObjects requires object inputs, but input {value} is of type {Values.TypeName(value)}");
        }

        foreach (var e in d)
        {
            _result.Set(e.Name, e.Value);
        }
    }

    public override BsonValue Result() => _result;

    public override long ApproximateSize => SizeEstimator.Of(_result);
}

/// <summary>Welford's online variance; non-numeric inputs are ignored.</summary>
internal sealed class StdDevAccumulator(bool sample) : Accumulator
{
    private long _n;
    private double _mean;
    private double _m2;

    public override void Add(BsonValue value)
    {
        if (!value.IsNumeric)
        {
            return;
        }

        double x = value.ToDouble();
        _n++;
        double delta = x - _mean;
        _mean += delta / _n;
        _m2 += delta * (x - _mean);
    }

    public override BsonValue Result()
    {
        if (sample ? _n < 2 : _n < 1)
        {
            return BsonNull.Value;
        }

        return new BsonDouble(Math.Sqrt(_m2 / (sample ? _n - 1 : _n)));
    }

    public override BsonValue GetPartial() => new BsonArray { _n, _mean, _m2 };

    public override void MergePartial(BsonValue partial)
    {
        // Chan et al.'s parallel combination of two (n, mean, M2) states.
        var arr = (BsonArray)partial;
        long n2 = arr[0].ToInt64();
        if (n2 == 0)
        {
            return;
        }

        double mean2 = arr[1].ToDouble(), m22 = arr[2].ToDouble();
        long n = _n + n2;
        double delta = mean2 - _mean;
        _mean += delta * n2 / n;
        _m2 += m22 + delta * delta * _n * n2 / n;
        _n = n;
    }
}
