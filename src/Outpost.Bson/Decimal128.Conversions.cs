using System.Globalization;

namespace Outpost.Bson;

public readonly partial struct Decimal128
{
    /// <summary>Exact conversion (exponent 0).</summary>
    public static implicit operator Decimal128(int value) => (Decimal128)(long)value;

    /// <summary>Exact conversion (exponent 0).</summary>
    public static implicit operator Decimal128(long value)
    {
        bool negative = value < 0;
        ulong magnitude = negative ? (ulong)(-(value + 1)) + 1 : (ulong)value;
        return FromParts(negative, magnitude, 0);
    }

    /// <summary>Exact conversion: coefficient and scale are kept (1.50m stays 1.50).</summary>
    public static implicit operator Decimal128(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        UInt128 coefficient = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        int scale = (bits[3] >> 16) & 0xFF;
        return FromParts(bits[3] < 0, coefficient, -scale);
    }

    /// <summary>
    /// MongoDB-style conversion: via the double's shortest round-trip string ("R"), so 0.1 becomes 0.1, not the
    /// 55-digit binary value. NaN and infinities map to their decimal counterparts.
    /// </summary>
    public static explicit operator Decimal128(double value) => Parse(value.ToString("R", CultureInfo.InvariantCulture));

    /// <summary>Nearest double; see <see cref="ToDouble"/>.</summary>
    public static explicit operator double(Decimal128 value) => value.ToDouble();

    /// <summary>Truncating conversion; see <see cref="ToInt64"/>.</summary>
    public static explicit operator long(Decimal128 value) => value.ToInt64();

    /// <summary>Truncating conversion; see <see cref="ToInt32"/>.</summary>
    public static explicit operator int(Decimal128 value) => value.ToInt32();

    /// <summary>The nearest double (round-half-even); values beyond the double range become ±Infinity.</summary>
    public double ToDouble()
    {
        if (IsNaN)
        {
            return double.NaN;
        }

        if (!TryGetFinite(out bool negative, out var c, out int q))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        // Fast path: both c and 10^|q| are exact doubles, so one IEEE operation rounds correctly.
        if (c < ((UInt128)1 << 53) && q >= -22 && q <= 22)
        {
            double m = (double)(ulong)c;
            double r = q >= 0 ? m * Exact10[q] : m / Exact10[-q];
            return negative ? -r : r;
        }

        // .NET's parser is correctly rounded (and yields ±Infinity on overflow).
        return double.Parse(ToString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>Truncates toward zero.</summary>
    /// <exception cref="OverflowException">NaN, infinite, or out of the long range.</exception>
    public long ToInt64()
    {
        if (!TryGetFinite(out bool negative, out var c, out int q))
        {
            throw new OverflowException("NaN or Infinity cannot be converted to an integer.");
        }

        UInt128 magnitude;
        if (c == UInt128.Zero)
        {
            return 0;
        }

        int digits = DigitCount(c);
        if (q >= 0)
        {
            if (digits + q > 20)
            {
                throw new OverflowException("Value is outside the Int64 range.");
            }

            magnitude = c * Pow10(q);
        }
        else
        {
            magnitude = -q >= digits ? UInt128.Zero : c / Pow10(-q);
        }

        if (negative)
        {
            if (magnitude > (UInt128)long.MaxValue + 1)
            {
                throw new OverflowException("Value is outside the Int64 range.");
            }

            return magnitude == (UInt128)long.MaxValue + 1 ? long.MinValue : -(long)magnitude;
        }

        if (magnitude > long.MaxValue)
        {
            throw new OverflowException("Value is outside the Int64 range.");
        }

        return (long)magnitude;
    }

    /// <summary>Truncates toward zero.</summary>
    /// <exception cref="OverflowException">NaN, infinite, or out of the int range.</exception>
    public int ToInt32()
    {
        long value = ToInt64();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new OverflowException("Value is outside the Int32 range.");
        }

        return (int)value;
    }

    /// <summary>
    /// Converts to System.Decimal, rounded to its 28-29 significant digits (values too small become 0).
    /// False for NaN, infinities and magnitudes beyond decimal.MaxValue.
    /// </summary>
    public bool TryToDecimal(out decimal value)
    {
        value = 0m;
        if (!TryGetFinite(out _, out _, out _))
        {
            return false;
        }

        return decimal.TryParse(ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Powers of ten exactly representable as doubles (10^0 … 10^22).</summary>
    private static ReadOnlySpan<double> Exact10 =>
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
}
