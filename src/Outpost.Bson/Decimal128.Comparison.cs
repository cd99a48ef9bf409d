using System.Numerics;

namespace Outpost.Bson;

public readonly partial struct Decimal128
{
    /// <summary>
    /// Total order by value, as MongoDB sorts numbers: NaN is lowest and equal to NaN, then -Infinity, finite values
    /// (-0 == 0, and 1.0 == 1.00: different cohorts of one value compare equal), +Infinity.
    /// </summary>
    public int CompareTo(Decimal128 other)
    {
        int rankA = Rank(this), rankB = Rank(other);
        if (rankA != rankB || rankA != 2)
        {
            return rankA.CompareTo(rankB);
        }

        TryGetFinite(out bool negA, out var ca, out int qa);
        other.TryGetFinite(out bool negB, out var cb, out int qb);
        int signA = ca == UInt128.Zero ? 0 : negA ? -1 : 1;
        int signB = cb == UInt128.Zero ? 0 : negB ? -1 : 1;
        if (signA != signB || signA == 0)
        {
            return signA.CompareTo(signB);
        }

        return signA * CompareMagnitude(ca, qa, cb, qb);
    }

    /// <summary>True when both are the same number (1.0 and 1.00, 0 and -0, NaN and NaN), unlike bitwise <see cref="Equals(Decimal128)"/>.</summary>
    public bool ValueEquals(Decimal128 other) => CompareTo(other) == 0;

    /// <summary>Exact comparison with a long, with <see cref="CompareTo"/>'s NaN rules.</summary>
    public static int CompareExact(Decimal128 value, long other) => value.CompareTo((Decimal128)other);

    /// <summary>
    /// Exact comparison with a double (no rounding of either side): a double is m·2^e, a decimal c·10^q, compared as
    /// integers. NaN is lower than everything else and equal to NaN (either type); -0 equals 0.
    /// </summary>
    public static int CompareExact(Decimal128 value, double other)
    {
        if (value.IsNaN)
        {
            return double.IsNaN(other) ? 0 : -1;
        }

        if (double.IsNaN(other))
        {
            return 1;
        }

        if (!value.TryGetFinite(out bool negative, out var c, out int q))
        {
            if (double.IsInfinity(other) && (other < 0) == negative)
            {
                return 0;
            }

            return negative ? -1 : 1;
        }

        if (double.IsInfinity(other))
        {
            return other > 0 ? -1 : 1;
        }

        int signA = c == UInt128.Zero ? 0 : negative ? -1 : 1;
        int signB = other == 0 ? 0 : other < 0 ? -1 : 1;
        if (signA != signB || signA == 0)
        {
            return signA.CompareTo(signB);
        }

        // |double| lies in [4.9e-324, 1.8e308]: decide far-away decimals without big powers.
        int adjusted = q + DigitCount(c) - 1;
        if (adjusted >= 309)
        {
            return signA;
        }

        if (adjusted < -324)
        {
            return -signA;
        }

        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(other));
        int biased = (int)(bits >> 52);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        int e2;
        if (biased == 0)
        {
            e2 = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            e2 = biased - 1075;
        }

        BigInteger a = (BigInteger)c, b = mantissa;
        if (q >= 0)
        {
            a *= BigInteger.Pow(10, q);
        }
        else
        {
            b *= BigInteger.Pow(10, -q);
        }

        if (e2 >= 0)
        {
            b <<= e2;
        }
        else
        {
            a <<= -e2;
        }

        return signA * a.CompareTo(b);
    }

    /// <summary>
    /// A hash equal for all values equal by value (<see cref="ValueEquals"/>), and equal to <c>((double)x).GetHashCode()</c>
    /// when x is exactly a double, so that 1, 1L, 1.0 and NumberDecimal("1.00") can share a hash bucket.
    /// </summary>
    public int GetHashCodeByValue()
    {
        if (IsNaN)
        {
            return double.NaN.GetHashCode();
        }

        if (!TryGetFinite(out bool negative, out var c, out int q))
        {
            return (negative ? double.NegativeInfinity : double.PositiveInfinity).GetHashCode();
        }

        if (c == UInt128.Zero)
        {
            return 0.0.GetHashCode();
        }

        // Normalise the cohort (1.0, 1.00 and 1 become 1E+0) so equal values hash alike.
        while (c % 10 == UInt128.Zero)
        {
            c /= 10;
            q++;
        }

        // Cheap exits before the exact test: small integers are exact doubles; c·10^q with q < 0 needs 5^-q to
        // divide c to be a dyadic fraction (a double), so c not divisible by 5 (0.1, 1.23…) never is.
        if (q >= 0 && q <= 15 && c < ((UInt128)1 << 53))
        {
            UInt128 integer = c * Pow10(q);
            if (integer < ((UInt128)1 << 53))
            {
                double exact = (double)(ulong)integer;
                return (negative ? -exact : exact).GetHashCode();
            }
        }

        if (q >= 0 || c % 5 == UInt128.Zero)
        {
            double d = ToDouble();
            if (CompareExact(this, d) == 0)
            {
                return d.GetHashCode();
            }
        }

        return HashCode.Combine(negative, c, q);
    }

    /// <summary>0 NaN, 1 -Infinity, 2 finite, 3 +Infinity.</summary>
    private static int Rank(Decimal128 d)
    {
        if (d.IsNaN)
        {
            return 0;
        }

        if (d.IsInfinity)
        {
            return d.IsNegative ? 1 : 3;
        }

        return 2;
    }

    /// <summary>Compares c1·10^q1 with c2·10^q2, both coefficients non-zero and at most 34 digits.</summary>
    private static int CompareMagnitude(UInt128 c1, int q1, UInt128 c2, int q2)
    {
        int d1 = DigitCount(c1), d2 = DigitCount(c2);
        int adj1 = q1 + d1 - 1, adj2 = q2 + d2 - 1;
        if (adj1 != adj2)
        {
            return adj1.CompareTo(adj2);
        }

        // Same adjusted exponent: scaling the shorter coefficient to the other's length stays below 10^34.
        if (q1 > q2)
        {
            c1 *= Pow10(q1 - q2);
        }
        else if (q2 > q1)
        {
            c2 *= Pow10(q2 - q1);
        }

        return c1.CompareTo(c2);
    }
}
