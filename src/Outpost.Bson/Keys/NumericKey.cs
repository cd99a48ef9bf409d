using System.Globalization;
using System.Numerics;
using Outpost.Bson.Internal;

namespace Outpost.Bson.Keys;

/// <summary>
/// Encodes int32, int64, double and decimal128 in one order-preserving form, so that equal values of different types
/// produce identical bytes (a unique index treats 1, 1L, 1.0 and NumberDecimal("1") as duplicates, as MongoDB does).
/// A finite non-zero number is written as its exact decimal value <c>±0.d1d2…dn × 10^E</c> (d1 and dn non-zero):
/// sign tag, E as a biased big-endian 16-bit integer, the digits packed two per byte as <c>10·a + b + 1</c> (1..100),
/// then 0x00. Doubles are expanded exactly (m·2^-k = m·5^k·10^-k), so comparisons across types stay exact; a negative
/// number's body is bit-inverted so larger magnitudes sort first.
/// </summary>
internal static class NumericKey
{
    private const double TwoPow63 = 9.2233720368547758E18;

    // Doubles with more than ~767 significant digits do not exist (subnormals top out there); BigInteger text is this long at most.
    private const int MaxDoubleDigits = 800;

    private static readonly UInt128[] PowersOfFive = CreatePowersOfFive();
    private static readonly UInt128 TenPow19 = 10_000_000_000_000_000_000UL;

    internal static void Write(KeyBuffer buffer, BsonValue value)
    {
        switch (value)
        {
            case BsonInt32 i:
                WriteInteger(buffer, i.Value);
                break;
            case BsonInt64 l:
                WriteInteger(buffer, l.Value);
                break;
            case BsonDouble d:
                WriteDouble(buffer, d.Value);
                break;
            default:
                WriteDecimal(buffer, ((BsonDecimal128)value).Value);
                break;
        }
    }

    private static void WriteInteger(KeyBuffer buffer, long value)
    {
        if (value == 0)
        {
            buffer.WriteByte(KeyTags.Zero);
            return;
        }

        bool negative = value < 0;
        ulong magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        Span<byte> digits = stackalloc byte[20];
        int n = WriteDigits(magnitude, digits);
        WriteFinite(buffer, negative, digits[^n..], n);
    }

    private static void WriteDouble(KeyBuffer buffer, double value)
    {
        if (double.IsNaN(value))
        {
            buffer.WriteByte(KeyTags.NaN);
            return;
        }

        if (double.IsInfinity(value))
        {
            buffer.WriteByte(value > 0 ? KeyTags.PositiveInfinity : KeyTags.NegativeInfinity);
            return;
        }

        if (value == 0)
        {
            buffer.WriteByte(KeyTags.Zero); // -0 == 0
            return;
        }

        if (Math.Abs(value) < TwoPow63 && value == Math.Truncate(value))
        {
            WriteInteger(buffer, (long)value);
            return;
        }

        long bits = BitConverter.DoubleToInt64Bits(value);
        bool negative = bits < 0;
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong mantissa = (ulong)bits & 0xF_FFFF_FFFF_FFFFUL;
        int exponent;
        if (biased == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1UL << 52;
            exponent = biased - 1075;
        }

        int zeros = BitOperations.TrailingZeroCount(mantissa);
        mantissa >>= zeros;
        exponent += zeros;

        if (exponent < 0)
        {
            // m·2^-k = (m·5^k)·10^-k; m is odd, so m·5^k has no trailing decimal zero.
            int k = -exponent;
            if (k < PowersOfFive.Length && PowersOfFive[k] <= UInt128.MaxValue / mantissa)
            {
                Span<byte> digits = stackalloc byte[40];
                int n = WriteDigits(mantissa * PowersOfFive[k], digits);
                WriteFinite(buffer, negative, digits[^n..], n - k);
            }
            else
            {
                WriteBig(buffer, negative, new BigInteger(mantissa) * BigInteger.Pow(5, k), -k);
            }
        }
        else
        {
            WriteBig(buffer, negative, new BigInteger(mantissa) << exponent, 0);
        }
    }

    private static void WriteDecimal(KeyBuffer buffer, Decimal128 value)
    {
        var kind = DecimalMath.Decode(value, out bool negative, out var coefficient, out int exponent);
        if (kind == DecimalMath.Kind.NaN)
        {
            buffer.WriteByte(KeyTags.NaN);
            return;
        }

        if (kind == DecimalMath.Kind.Infinity)
        {
            buffer.WriteByte(negative ? KeyTags.NegativeInfinity : KeyTags.PositiveInfinity);
            return;
        }

        if (coefficient == UInt128.Zero)
        {
            buffer.WriteByte(KeyTags.Zero);
            return;
        }

        Span<byte> digits = stackalloc byte[40];
        int n = WriteDigits(coefficient, digits);
        WriteFinite(buffer, negative, digits[^n..], exponent + n);
    }

    private static void WriteBig(KeyBuffer buffer, bool negative, BigInteger magnitude, int exponent)
    {
        Span<char> text = stackalloc char[MaxDoubleDigits];
        if (!magnitude.TryFormat(text, out int n, default, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("Exact double expansion is unexpectedly long.");
        }

        Span<byte> digits = stackalloc byte[n];
        for (int i = 0; i < n; i++)
        {
            digits[i] = (byte)(text[i] - '0');
        }

        WriteFinite(buffer, negative, digits, exponent + n);
    }

    /// <summary>Writes the decimal digits (values 0..9) of <paramref name="value"/> right-aligned; returns their count.</summary>
    private static int WriteDigits(ulong value, Span<byte> destination)
    {
        int i = destination.Length;
        do
        {
            ulong q = value / 10;
            destination[--i] = (byte)(value - (q * 10));
            value = q;
        }
        while (value != 0);
        return destination.Length - i;
    }

    private static int WriteDigits(UInt128 value, Span<byte> destination)
    {
        if (value <= ulong.MaxValue)
        {
            return WriteDigits((ulong)value, destination);
        }

        // Split into < 10^19 chunks so the digit loop runs on 64-bit words.
        var (high, low) = UInt128.DivRem(value, TenPow19);
        int n = WriteDigits((ulong)low, destination);
        for (; n < 19; n++)
        {
            destination[^(n + 1)] = 0;
        }

        return n + WriteDigits(high, destination[..^19]);
    }

    // digits: significant digits, the first non-zero (trailing zeros are stripped here); exponent: E with value 0.d1d2… × 10^E.
    private static void WriteFinite(KeyBuffer buffer, bool negative, ReadOnlySpan<byte> digits, int exponent)
    {
        int n = digits.Length;
        while (digits[n - 1] == 0)
        {
            n--;
        }

        buffer.WriteByte(negative ? KeyTags.Negative : KeyTags.Positive);
        int start = buffer.Length;
        var span = buffer.GetSpan(3 + ((n + 1) / 2));
        ushort biased = (ushort)(exponent + 0x8000);
        span[0] = (byte)(biased >> 8);
        span[1] = (byte)biased;
        int w = 2;
        for (int i = 0; i < n; i += 2)
        {
            int low = i + 1 < n ? digits[i + 1] : 0;
            span[w++] = (byte)((digits[i] * 10) + low + 1);
        }

        span[w++] = KeyTags.End;
        buffer.Advance(w);
        if (negative)
        {
            buffer.Invert(start);
        }
    }

    private static UInt128[] CreatePowersOfFive()
    {
        // 5^55 < 2^128 <= 5^56.
        var powers = new UInt128[56];
        powers[0] = 1;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 5;
        }

        return powers;
    }
}
