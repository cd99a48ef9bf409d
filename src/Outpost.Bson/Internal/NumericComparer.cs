namespace Outpost.Bson.Internal;

/// <summary>Exact comparison across int32, int64, double and decimal128 (no lossy conversion to double).</summary>
internal static class NumericComparer
{
    private const double TwoPow63 = 9.2233720368547758E18;

    internal static int Compare(BsonValue x, BsonValue y)
    {
        switch (x)
        {
            case BsonDecimal128 dx:
                return y switch
                {
                    BsonDecimal128 dy => dx.Value.CompareTo(dy.Value),
                    BsonDouble d => Decimal128.CompareExact(dx.Value, d.Value),
                    _ => Decimal128.CompareExact(dx.Value, y is BsonInt32 i ? i.Value : ((BsonInt64)y).Value),
                };
            case BsonDouble fx:
                return y switch
                {
                    BsonDecimal128 dy => -Decimal128.CompareExact(dy.Value, fx.Value),
                    BsonDouble fy => CompareDoubles(fx.Value, fy.Value),
                    _ => -CompareLongDouble(y is BsonInt32 i ? i.Value : ((BsonInt64)y).Value, fx.Value),
                };
            default:
            {
                long lx = x is BsonInt32 i ? i.Value : ((BsonInt64)x).Value;
                return y switch
                {
                    BsonDecimal128 dy => -Decimal128.CompareExact(dy.Value, lx),
                    BsonDouble fy => CompareLongDouble(lx, fy.Value),
                    BsonInt32 iy => lx.CompareTo(iy.Value),
                    _ => lx.CompareTo(((BsonInt64)y).Value),
                };
            }
        }
    }

    /// <summary>NaN equals NaN and sorts below every other number; -0 equals 0.</summary>
    internal static int CompareDoubles(double a, double b)
    {
        if (a < b)
        {
            return -1;
        }

        if (a > b)
        {
            return 1;
        }

        if (a == b)
        {
            return 0;
        }

        return (double.IsNaN(a) ? 0 : 1) - (double.IsNaN(b) ? 0 : 1);
    }

    /// <summary>Exact: never converts the long to double (2^63-1 is not 9.223372036854776E18).</summary>
    internal static int CompareLongDouble(long l, double d)
    {
        if (double.IsNaN(d))
        {
            return 1;
        }

        if (d >= TwoPow63)
        {
            return -1;
        }

        if (d < -TwoPow63)
        {
            return 1;
        }

        // Here -2^63 <= d < 2^63, so the truncation is exact and fits a long.
        double truncated = Math.Truncate(d);
        long t = (long)truncated;
        if (l != t)
        {
            return l < t ? -1 : 1;
        }

        double fraction = d - truncated;
        return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
    }
}
