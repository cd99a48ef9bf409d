using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>$add $subtract $multiply $divide $mod $abs $ceil $floor $round $trunc $pow $exp $ln $log $log10 $sqrt and trigonometry.</summary>
internal static class ArithmeticOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$add", 0, int.MaxValue, (_, a, _) => Add(a));
        Eager(ops, "$subtract", 2, 2, (_, a, _) => Subtract(a[0], a[1]));
        Eager(ops, "$multiply", 0, int.MaxValue, (_, a, _) => Multiply(a));
        Eager(ops, "$divide", 2, 2, (_, a, _) => Divide(a[0], a[1]));
        Eager(ops, "$mod", 2, 2, (_, a, _) => Mod(a[0], a[1]));
        Eager(ops, "$abs", 1, 1, (n, a, _) => Abs(n, a[0]));
        Eager(ops, "$ceil", 1, 1, (n, a, _) => Unary(n, a[0], Math.Ceiling, d => d.Round(0) < d ? d.Round(0) + Decimal128.One : d.Round(0)));
        Eager(ops, "$floor", 1, 1, (n, a, _) => Unary(n, a[0], Math.Floor, d => d.Round(0) > d ? d.Round(0) - Decimal128.One : d.Round(0)));
        Eager(ops, "$round", 1, 2, (n, a, _) => RoundOrTrunc(n, a, round: true));
        Eager(ops, "$trunc", 1, 2, (n, a, _) => RoundOrTrunc(n, a, round: false));
        Eager(ops, "$sqrt", 1, 1, (n, a, _) => DoubleFn(n, a[0], x => x < 0 ? throw new MongoException(28714, "$sqrt's argument must be greater than or equal to 0") : Math.Sqrt(x)));
        Eager(ops, "$exp", 1, 1, (n, a, _) => DoubleFn(n, a[0], Math.Exp));
        Eager(ops, "$ln", 1, 1, (n, a, _) => DoubleFn(n, a[0], x => x <= 0 ? throw new MongoException(28766, $"$ln's argument must be a positive number, but is {x}") : Math.Log(x)));
        Eager(ops, "$log10", 1, 1, (n, a, _) => DoubleFn(n, a[0], x => x <= 0 ? throw new MongoException(28761, $"$log10's argument must be a positive number, but is {x}") : Math.Log10(x)));
        Eager(ops, "$log", 2, 2, (_, a, _) => Log(a[0], a[1]));
        Eager(ops, "$pow", 2, 2, (_, a, _) => Pow(a[0], a[1]));
        foreach (var (name, fn) in new (string, Func<double, double>)[]
                 {
                     ("$sin", Math.Sin), ("$cos", Math.Cos), ("$tan", Math.Tan), ("$asin", Math.Asin), ("$acos", Math.Acos),
                     ("$atan", Math.Atan), ("$sinh", Math.Sinh), ("$cosh", Math.Cosh), ("$tanh", Math.Tanh), ("$asinh", Math.Asinh),
                     ("$acosh", Math.Acosh), ("$atanh", Math.Atanh), ("$degreesToRadians", x => x * Math.PI / 180),
                     ("$radiansToDegrees", x => x * 180 / Math.PI),
                 })
        {
            Eager(ops, name, 1, 1, (n, a, _) => DoubleFn(n, a[0], fn));
        }

        Eager(ops, "$atan2", 2, 2, (_, a, _) => Values.IsNullish(a[0]) || Values.IsNullish(a[1]) ? BsonNull.Value
            : !a[0].IsNumeric || !a[1].IsNumeric ? throw new MongoException(51044, "$atan2 only supports numeric types")
            : new BsonDouble(Math.Atan2(a[0].ToDouble(), a[1].ToDouble())));
    }

    public static BsonValue Add(BsonValue[] args)
    {
        var sum = new NumberSum();
        BsonDateTime? date = null;
        bool nullish = false;
        foreach (var v in args)
        {
            if (v.IsNumeric)
            {
                sum.Add(v);
            }
            else if (v is BsonDateTime d)
            {
                if (date is not null)
                {
                    throw new MongoException(16612, "only one date allowed in an $add expression");
                }

                date = d;
            }
            else if (Values.IsNullish(v))
            {
                nullish = true;
            }
            else
            {
                throw new MongoException(ErrorCodes.TypeMismatch, $"$add only supports numeric or date types, not {Values.TypeName(v)}");
            }
        }

        if (nullish)
        {
            return BsonNull.Value;
        }

        var total = sum.Result();
        if (date is not null)
        {
            // Date + number: the number is milliseconds, rounded (doubles/decimals round half to even like MongoDB's llround).
            long ms = total switch
            {
                BsonDouble dd => (long)Math.Round(dd.Value, MidpointRounding.AwayFromZero),
                BsonDecimal128 m => m.Value.Round(0).ToInt64(),
                _ => total.ToInt64(),
            };
            return new BsonDateTime(date.MillisecondsSinceEpoch + ms);
        }

        return total;
    }

    public static BsonValue Subtract(BsonValue a, BsonValue b)
    {
        if (Values.IsNullish(a) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        if (a is BsonDateTime da)
        {
            if (b is BsonDateTime db)
            {
                return new BsonInt64(da.MillisecondsSinceEpoch - db.MillisecondsSinceEpoch);
            }

            if (b.IsNumeric)
            {
                long ms = b is BsonDouble bd ? (long)Math.Round(bd.Value, MidpointRounding.AwayFromZero) : b.ToInt64();
                return new BsonDateTime(da.MillisecondsSinceEpoch - ms);
            }
        }
        else if (a.IsNumeric && b.IsNumeric)
        {
            int rank = Math.Max(Values.NumericRank(a.Type), Values.NumericRank(b.Type));
            switch (rank)
            {
                case 3:
                    return new BsonDecimal128(Values.ToDecimal(a) - Values.ToDecimal(b));
                case 2:
                    return new BsonDouble(a.ToDouble() - b.ToDouble());
                default:
                    long x = a.ToInt64(), y = b.ToInt64();
                    long r = unchecked(x - y);
                    if (((x ^ y) & (x ^ r)) < 0)
                    {
                        return new BsonDouble((double)x - y);
                    }

                    return rank == 0 ? Values.IntOrLong(r) : new BsonInt64(r);
            }
        }

        throw new MongoException(ErrorCodes.TypeMismatch, $"can't $subtract {Values.TypeName(b)} from {Values.TypeName(a)}");
    }

    public static BsonValue Multiply(BsonValue[] args)
    {
        int rank = 0;
        long lp = 1;
        bool longOverflow = false;
        double dp = 1;
        Decimal128 mp = Decimal128.One;
        foreach (var v in args)
        {
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (!v.IsNumeric)
            {
                throw new MongoException(ErrorCodes.TypeMismatch, $"$multiply only supports numeric types, not {Values.TypeName(v)}");
            }
        }

        foreach (var v in args)
        {
            int r = Values.NumericRank(v.Type);
            rank = Math.Max(rank, r);
            mp *= Values.ToDecimal(v);
            dp *= v.ToDouble();
            if (r <= 1 && !longOverflow)
            {
                long x = v.ToInt64();
                long res = unchecked(lp * x);
                if ((x != 0 && (res / x != lp || (lp == -1 && x == long.MinValue) || (x == -1 && lp == long.MinValue))))
                {
                    longOverflow = true;
                }

                lp = res;
            }
        }

        return rank switch
        {
            3 => new BsonDecimal128(mp),
            2 => new BsonDouble(dp),
            _ when longOverflow => new BsonDouble(dp),
            1 => new BsonInt64(lp),
            _ => Values.IntOrLong(lp),
        };
    }

    public static BsonValue Divide(BsonValue a, BsonValue b)
    {
        if (a.IsNumeric && b.IsNumeric)
        {
            if (a.Type == BsonType.Decimal128 || b.Type == BsonType.Decimal128)
            {
                var den = Values.ToDecimal(b);
                if (den.IsZero)
                {
                    throw new MongoException(ErrorCodes.BadValue, "can't $divide by zero");
                }

                return new BsonDecimal128(Values.ToDecimal(a) / den);
            }

            double d = b.ToDouble();
            if (d == 0)
            {
                throw new MongoException(ErrorCodes.BadValue, "can't $divide by zero");
            }

            return new BsonDouble(a.ToDouble() / d);
        }

        if (Values.IsNullish(a) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        throw new MongoException(ErrorCodes.TypeMismatch, $"$divide only supports numeric types, not {Values.TypeName(a)} and {Values.TypeName(b)}");
    }

    public static BsonValue Mod(BsonValue a, BsonValue b)
    {
        if (a.IsNumeric && b.IsNumeric)
        {
            int rank = Math.Max(Values.NumericRank(a.Type), Values.NumericRank(b.Type));
            if (rank == 3)
            {
                var den = Values.ToDecimal(b);
                if (den.IsZero)
                {
                    throw new MongoException(ErrorCodes.BadValue, "can't $mod by zero");
                }

                return new BsonDecimal128(Values.ToDecimal(a) % den);
            }

            if (rank == 2)
            {
                double d = b.ToDouble();
                if (d == 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, "can't $mod by zero");
                }

                return new BsonDouble(a.ToDouble() % d);
            }

            long y = b.ToInt64();
            if (y == 0)
            {
                throw new MongoException(ErrorCodes.BadValue, "can't $mod by zero");
            }

            long x = a.ToInt64();
            long r = y == -1 ? 0 : x % y;
            return rank == 0 ? BsonInt32.Create((int)r) : new BsonInt64(r);
        }

        if (Values.IsNullish(a) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        throw new MongoException(ErrorCodes.TypeMismatch, $"$mod only supports numeric types, not {Values.TypeName(a)} and {Values.TypeName(b)}");
    }

    private static BsonValue Abs(string name, BsonValue v)
    {
        switch (v)
        {
            case BsonInt32 i:
                return i.Value == int.MinValue ? new BsonInt64(-(long)int.MinValue) : BsonInt32.Create(Math.Abs(i.Value));
            case BsonInt64 l:
                return l.Value == long.MinValue ? throw new MongoException(28680, "can't take $abs of long long min") : new BsonInt64(Math.Abs(l.Value));
            case BsonDouble d:
                return new BsonDouble(Math.Abs(d.Value));
            case BsonDecimal128 m:
                return new BsonDecimal128(Decimal128.Abs(m.Value));
            default:
                return Values.IsNullish(v) ? BsonNull.Value : throw NotNumeric(name, v);
        }
    }

    private static MongoException NotNumeric(string name, BsonValue v) =>
        new(28765, $"{name} only supports numeric types, not {Values.TypeName(v)}");

    private static BsonValue Unary(string name, BsonValue v, Func<double, double> onDouble, Func<Decimal128, Decimal128> onDecimal) => v switch
    {
        BsonInt32 or BsonInt64 => v,
        BsonDouble d => new BsonDouble(onDouble(d.Value)),
        BsonDecimal128 m => new BsonDecimal128(m.Value.IsNaN || m.Value.IsInfinity ? m.Value : onDecimal(m.Value)),
        _ => Values.IsNullish(v) ? BsonNull.Value : throw NotNumeric(name, v),
    };

    private static BsonValue DoubleFn(string name, BsonValue v, Func<double, double> fn)
    {
        if (Values.IsNullish(v))
        {
            return BsonNull.Value;
        }

        if (!v.IsNumeric)
        {
            throw NotNumeric(name, v);
        }

        double r = fn(v.ToDouble());
        return v is BsonDecimal128 ? new BsonDecimal128(Values.DoubleToDecimal(r)) : new BsonDouble(r);
    }

    private static BsonValue Log(BsonValue v, BsonValue b)
    {
        if (Values.IsNullish(v) || Values.IsNullish(b))
        {
            return BsonNull.Value;
        }

        if (!v.IsNumeric)
        {
            throw new MongoException(28756, $"$log's argument must be numeric, not {Values.TypeName(v)}");
        }

        if (!b.IsNumeric)
        {
            throw new MongoException(28757, $"$log's base must be numeric, not {Values.TypeName(b)}");
        }

        double x = v.ToDouble(), bs = b.ToDouble();
        if (x <= 0)
        {
            throw new MongoException(28758, $"$log's argument must be a positive number, but is {x}");
        }

        if (bs <= 0 || bs == 1)
        {
            throw new MongoException(28759, $"$log's base must be a positive number not equal to 1, but is {bs}");
        }

        double r = Math.Log(x) / Math.Log(bs);
        return v is BsonDecimal128 || b is BsonDecimal128 ? new BsonDecimal128(Values.DoubleToDecimal(r)) : new BsonDouble(r);
    }

    private static BsonValue Pow(BsonValue b, BsonValue e)
    {
        if (Values.IsNullish(b) || Values.IsNullish(e))
        {
            return BsonNull.Value;
        }

        if (!b.IsNumeric)
        {
            throw new MongoException(28762, $"$pow's base must be numeric, not {Values.TypeName(b)}");
        }

        if (!e.IsNumeric)
        {
            throw new MongoException(28763, $"$pow's exponent must be numeric, not {Values.TypeName(e)}");
        }

        if (b.ToDouble() == 0 && e.ToDouble() < 0)
        {
            throw new MongoException(28764, "$pow cannot take a base of 0 and a negative exponent");
        }

        int rank = Math.Max(Values.NumericRank(b.Type), Values.NumericRank(e.Type));
        double r = Math.Pow(b.ToDouble(), e.ToDouble());
        if (rank == 3)
        {
            return new BsonDecimal128(Values.DoubleToDecimal(r));
        }

        if (rank == 2)
        {
            return new BsonDouble(r);
        }

        long bl = b.ToInt64(), el = e.ToInt64();
        if (el < 0)
        {
            // Integral base with a negative exponent: only ±1 stay integral.
            if (bl == 1)
            {
                return rank == 0 ? BsonInt32.Create(1) : new BsonInt64(1);
            }

            if (bl == -1)
            {
                long s = el % 2 == 0 ? 1 : -1;
                return rank == 0 ? BsonInt32.Create((int)s) : new BsonInt64(s);
            }

            return new BsonDouble(r);
        }

        long result = 1;
        try
        {
            for (long i = 0; i < el; i++)
            {
                result = checked(result * bl);
                if (result == 0 || result == 1 && (bl == 1))
                {
                    break;
                }
            }
        }
        catch (OverflowException)
        {
            return new BsonDouble(r);
        }

        if (bl == -1)
        {
            result = el % 2 == 0 ? 1 : -1;
        }

        return rank == 0 && result is >= int.MinValue and <= int.MaxValue ? BsonInt32.Create((int)result) : new BsonInt64(result);
    }

    private static BsonValue RoundOrTrunc(string name, BsonValue[] a, bool round)
    {
        var v = a[0];
        long place = 0;
        if (a.Length > 1)
        {
            if (Values.IsNullish(a[1]))
            {
                return BsonNull.Value;
            }

            if (!Values.TryGetLong(a[1], out place))
            {
                throw new MongoException(51082, $"{name} requires \"place\" argument to be an integral value");
            }

            if (place is < -20 or > 100)
            {
                throw new MongoException(51083, $"cannot apply {name} with precision value {place} value must be in [-20, 100]");
            }
        }

        if (Values.IsNullish(v))
        {
            return BsonNull.Value;
        }

        if (!v.IsNumeric)
        {
            throw new MongoException(51081, $"{name} only supports numeric types, not {Values.TypeName(v)}");
        }

        int p = (int)place;
        switch (v)
        {
            case BsonDecimal128 m:
                return new BsonDecimal128(round ? m.Value.Round(p) : m.Value.Truncate(p));
            case BsonDouble d:
                if (!double.IsFinite(d.Value))
                {
                    return d;
                }

                // Through decimal so that 2.675 rounds on its decimal digits as MongoDB does.
                var dec = Values.DoubleToDecimal(d.Value);
                return new BsonDouble((round ? dec.Round(p) : dec.Truncate(p)).ToDouble());
            default:
                if (p >= 0)
                {
                    return v;
                }

                long x = v.ToInt64();
                var rd = (Decimal128)x;
                long r = (round ? rd.Round(p) : rd.Truncate(p)).ToInt64();
                return v is BsonInt32 && r is >= int.MinValue and <= int.MaxValue ? BsonInt32.Create((int)r) : new BsonInt64(r);
        }
    }
}
