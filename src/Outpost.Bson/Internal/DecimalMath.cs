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
        if (Decimal128.CompareExact(d, asDouble) == 0)
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
