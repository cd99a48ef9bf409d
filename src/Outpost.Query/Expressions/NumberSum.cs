using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>
/// Sums numbers with MongoDB's type promotion: all int32 → int32 (long if it overflows), any int64 → int64 (double if it
/// overflows), any double → double, any decimal → decimal. Doubles use compensated (Neumaier) summation, as MongoDB
/// uses double-double summation, so that averages of many values stay exact enough.
/// </summary>
internal struct NumberSum
{
    private int _rank;
    private long _long;
    private bool _longOverflow;
    private double _double;
    private double _compensation;
    private Decimal128 _decimal;
    private bool _hasDecimal;

    public int Count { get; private set; }

    public void Add(BsonValue value)
    {
        switch (value)
        {
            case BsonInt32 i:
                AddLong(i.Value);
                break;
            case BsonInt64 l:
                _rank = Math.Max(_rank, 1);
                AddLong(l.Value);
                break;
            case BsonDouble d:
                _rank = Math.Max(_rank, 2);
                AddDouble(d.Value);
                break;
            case BsonDecimal128 m:
                _rank = 3;
                _decimal = _hasDecimal ? _decimal + m.Value : m.Value;
                _hasDecimal = true;
                break;
            default:
                return;
        }

        Count++;
    }

    /// <summary>Removes a previously added value (sliding windows). Exact for integers, approximate for doubles.</summary>
    public void Subtract(BsonValue value)
    {
        switch (value)
        {
            case BsonInt32 i:
                AddLong(-(long)i.Value);
                break;
            case BsonInt64 l:
                if (l.Value == long.MinValue)
                {
                    AddDouble(9.2233720368547758E18);
                }
                else
                {
                    AddLong(-l.Value);
                }

                break;
            case BsonDouble d:
                AddDouble(-d.Value);
                break;
            case BsonDecimal128 m:
                _decimal -= m.Value;
                break;
            default:
                return;
        }

        Count--;
    }

    private void AddLong(long x)
    {
        if (_longOverflow)
        {
            AddDouble(x);
            return;
        }

        long r = unchecked(_long + x);
        if (((_long ^ r) & (x ^ r)) < 0)
        {
            _longOverflow = true;
            AddDouble(_long);
            AddDouble(x);
            _long = 0;
            return;
        }

        _long = r;
    }

    private void AddDouble(double x)
    {
        double t = _double + x;
        if (double.IsFinite(t))
        {
            _compensation += Math.Abs(_double) >= Math.Abs(x) ? (_double - t) + x : (x - t) + _double;
        }

        _double = t;
    }

    private readonly double DoubleTotal => _double + _compensation + _long;

    public readonly BsonValue Result()
    {
        switch (_rank)
        {
            case 3:
                var total = _decimal + (Decimal128)_long;
                if (_double != 0 || _compensation != 0)
                {
                    total += Values.DoubleToDecimal(_double + _compensation);
                }

                return new BsonDecimal128(total);
            case 2:
                return new BsonDouble(DoubleTotal);
            case 1:
                return _longOverflow ? new BsonDouble(DoubleTotal) : new BsonInt64(_long);
            default:
                return _longOverflow ? new BsonDouble(DoubleTotal) : Values.IntOrLong(_long);
        }
    }

    /// <summary>The total divided by <paramref name="count"/>: double, or decimal when any input was decimal.</summary>
    public readonly BsonValue Average(long count)
    {
        if (_rank == 3)
        {
            return new BsonDecimal128(((BsonDecimal128)Result()).Value / (Decimal128)count);
        }

        if (_longOverflow || _rank == 2)
        {
            return new BsonDouble(DoubleTotal / count);
        }

        return new BsonDouble((double)_long / count);
    }
}
