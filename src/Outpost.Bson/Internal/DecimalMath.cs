using System.Globalization;
using System.Numerics;

namespace Outpost.Bson.Internal;

/// <summary>
/// Exact comparisons between Decimal128 (BID) and the binary numeric types, decoded straight from the bits.
/// Why here and not on Decimal128: the comparer must be exact today, independently of the Decimal128 arithmetic work;
/// these helpers need nothing but the public High/Low halves.
/// </summary>
internal static class DecimalMath
{
    private const int ExponentBias = 6176;
    private static readonly UInt128 MaxCoefficient = UInt128.Parse("9999999999999999999999999999999999", CultureInfo.InvariantCulture);

    internal enum Kind : byte { Finite, Infinity, NaN }

    /// <summary>Decodes sign, coefficient and exponent; non-canonical coefficients (&gt; 10^34-1) read as zero per IEEE 754.</summary>
    internal static Kind Decode(Decimal128 d, out bool negative, out UInt128 coefficient, out int exponent)
    {
        ulong high = d.High;
        negative = (high >> 63) != 0;
        coefficient = 0;
        exponent = 0;
        if (((high >> 61) & 3) == 3)
        {
            uint top = (uint)(high >> 58) & 0x1F;
            if (top == 0x1F)
            {
                return Kind.NaN;
            }

            if (top == 0x1E)
            {
                return Kind.Infinity;
            }

            // 2-bit-shifted form: the implied coefficient is >= 2^113 > 10^34-1, so it is zero.
            exponent = (int)((high >> 47) & 0x3FFF) - ExponentBias;
            return Kind.Finite;
        }

        exponent = (int)((high >> 49) & 0x3FFF) - ExponentBias;
        coefficient = new UInt128(high & 0x1_FFFF_FFFF_FFFFUL, d.Low);
        if (coefficient > MaxCoefficient)
        {
            coefficient = 0;
        }

        return Kind.Finite;
    }

    internal static bool IsNaN(Decimal128 d) => Decode(d, out _, out _, out _) == Kind.NaN;

    /// <summary>The nearest double (correctly rounded through the runtime's decimal-string parser).</summary>
    internal static double ToDouble(Decimal128 d)
    {
        var kind = Decode(d, out bool negative, out var coefficient, out int exponent);
        double result = kind switch
        {
            Kind.NaN => double.NaN,
            Kind.Infinity => double.PositiveInfinity,
            _ when coefficient == 0 => 0.0,
            _ => double.Parse(string.Create(CultureInfo.InvariantCulture, $"{coefficient}E{exponent}"), NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return negative ? -result : result;
    }

    /// <summary>Truncates toward zero, saturating at the long range; NaN gives 0.</summary>
    internal static long ToInt64(Decimal128 d)
    {
        var kind = Decode(d, out bool negative, out var coefficient, out int exponent);
        if (kind == Kind.NaN)
        {
            return 0;
        }

        if (kind == Kind.Infinity)
        {
            return negative ? long.MinValue : long.MaxValue;
        }

        var value = ToBigInteger(coefficient, exponent);
        if (negative)
        {
            value = -value;
        }

        return value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;
    }

    /// <summary>Exact three-way comparison; NaN sorts below every number and equals NaN.</summary>
    internal static int Compare(Decimal128 a, Decimal128 b)
    {
        var ka = Decode(a, out bool na, out var ca, out int ea);
        var kb = Decode(b, out bool nb, out var cb, out int eb);
        if (ka == Kind.NaN || kb == Kind.NaN)
        {
            return (ka == Kind.NaN ? 0 : 1) - (kb == Kind.NaN ? 0 : 1);
        }

        int sa = Sign(ka, na, ca);
        int sb = Sign(kb, nb, cb);
        if (sa != sb)
        {
            return sa.CompareTo(sb);
        }

        if (sa == 0)
        {
            return 0;
        }

        int magnitude;
        if (ka == Kind.Infinity || kb == Kind.Infinity)
        {
            magnitude = (ka == Kind.Infinity ? 1 : 0) - (kb == Kind.Infinity ? 1 : 0);
        }
        else
        {
            magnitude = CompareMagnitude(ca, ea, cb, eb);
        }

        return sa < 0 ? -magnitude : magnitude;
    }

    /// <summary>Exact comparison of a decimal with a double; NaN sorts below every number and equals NaN.</summary>
    internal static int Compare(Decimal128 a, double b)
    {
        var ka = Decode(a, out bool na, out var ca, out int ea);
        if (ka == Kind.NaN || double.IsNaN(b))
        {
            return (ka == Kind.NaN ? 0 : 1) - (double.IsNaN(b) ? 0 : 1);
        }

        int sa = Sign(ka, na, ca);
        int sb = b > 0 ? 1 : b < 0 ? -1 : 0;
        if (sa != sb)
        {
            return sa.CompareTo(sb);
        }

        if (sa == 0)
        {
            return 0;
        }

        int magnitude;
        if (ka == Kind.Infinity || double.IsInfinity(b))
        {
            magnitude = (ka == Kind.Infinity ? 1 : 0) - (double.IsInfinity(b) ? 1 : 0);
        }
        else
        {
            // |b| = mantissa * 2^binExp exactly.
            long bits = BitConverter.DoubleToInt64Bits(Math.Abs(b));
            int rawExp = (int)(bits >> 52);
            long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
            int binExp;
            if (rawExp == 0)
            {
                binExp = -1074;
            }
            else
            {
                mantissa |= 1L << 52;
                binExp = rawExp - 1075;
            }

            BigInteger left = ToBigInteger(ca, Math.Max(ea, 0));
            BigInteger right = new(mantissa);
            if (ea < 0)
            {
                right *= BigInteger.Pow(10, -ea);
            }

            if (binExp < 0)
            {
                left <<= -binExp;
            }
            else
            {
                right <<= binExp;
            }

            magnitude = left.CompareTo(right);
        }

        return sa < 0 ? -magnitude : magnitude;
    }

    /// <summary>Exact comparison of a decimal with a 64-bit integer.</summary>
    internal static int Compare(Decimal128 a, long b)
    {
        var ka = Decode(a, out bool na, out var ca, out int ea);
        if (ka == Kind.NaN)
        {
            return -1;
        }

        int sa = Sign(ka, na, ca);
        int sb = Math.Sign(b);
        if (sa != sb)
        {
            return sa.CompareTo(sb);
        }

        if (sa == 0)
        {
            return 0;
        }

        int magnitude = ka == Kind.Infinity ? 1 : CompareMagnitude(ca, ea, b == long.MinValue ? (UInt128)1 << 63 : (UInt128)Math.Abs(b), 0);
        return sa < 0 ? -magnitude : magnitude;
    }

    /// <summary>
    /// A hash consistent with exact numeric equality across int32/int64/double/decimal:
    /// integers in the long range hash as that long, values equal to a double hash as that double.
    /// </summary>
    internal static int GetNumericHashCode(Decimal128 d)
    {
        var kind = Decode(d, out bool negative, out var coefficient, out int exponent);
        if (kind != Kind.Finite || coefficient == 0)
        {
            return GetNumericHashCode(ToDouble(d));
        }

        while (coefficient % 10 == 0)
        {
            coefficient /= 10;
            exponent++;
        }

        if (exponent >= 0 && exponent <= 19)
        {
            var value = ToBigInteger(coefficient, exponent);
            if (negative)
            {
                value = -value;
            }

            if (value >= long.MinValue && value <= long.MaxValue)
            {
                return GetNumericHashCode((long)value);
            }
        }

        double asDouble = ToDouble(d);
        if (Compare(d, asDouble) == 0)
        {
            return GetNumericHashCode(asDouble);
        }

        return HashCode.Combine(negative, coefficient, exponent);
    }

    internal static int GetNumericHashCode(long value) => value.GetHashCode();

    internal static int GetNumericHashCode(double value)
    {
        if (double.IsNaN(value))
        {
            return double.NaN.GetHashCode();
        }

        // [-2^63, 2^63): integral doubles hash like the long they equal (also folds -0 into 0).
        if (value >= -9.2233720368547758E18 && value < 9.2233720368547758E18 && Math.Floor(value) == value)
        {
            return GetNumericHashCode((long)value);
        }

        return value.GetHashCode();
    }

    private static int Sign(Kind kind, bool negative, UInt128 coefficient) =>
        kind == Kind.Finite && coefficient == 0 ? 0 : negative ? -1 : 1;

    private static int CompareMagnitude(UInt128 ca, int ea, UInt128 cb, int eb)
    {
        if (ea == eb)
        {
            return ca.CompareTo(cb);
        }

        // Compare digit-count-adjusted exponents first so huge exponent gaps never build huge integers.
        int da = DigitCount(ca) + ea;
        int db = DigitCount(cb) + eb;
        if (da != db)
        {
            return da.CompareTo(db);
        }

        int common = Math.Min(ea, eb);
        return ToBigInteger(ca, ea - common).CompareTo(ToBigInteger(cb, eb - common));
    }

    private static int DigitCount(UInt128 value)
    {
        int digits = 1;
        while (value >= 10)
        {
            value /= 10;
            digits++;
        }

        return digits;
    }

    private static BigInteger ToBigInteger(UInt128 coefficient, int exponent)
    {
        var value = new BigInteger((ulong)(coefficient >> 64)) << 64 | new BigInteger((ulong)coefficient);
        if (exponent > 0)
        {
            value *= BigInteger.Pow(10, exponent);
        }
        else if (exponent < 0)
        {
            value /= BigInteger.Pow(10, -exponent);
        }

        return value;
    }
}
