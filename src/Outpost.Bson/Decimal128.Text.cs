using System.Globalization;

namespace Outpost.Bson;

public readonly partial struct Decimal128
{
    private const int MaxStackDigits = 128;

    /// <summary>
    /// Parses a decimal string exactly, per the BSON Decimal128 spec: values are clamped (exponent traded for trailing
    /// zeros) and surplus trailing zeros dropped, but any inexact rounding, overflow or underflow is an error.
    /// Accepts "NaN", "Inf", "Infinity" (any case, optional sign).
    /// </summary>
    /// <exception cref="FormatException">Invalid syntax or a value decimal128 cannot hold exactly.</exception>
    public static Decimal128 Parse(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (!TryParse(s, out var result))
        {
            throw new FormatException($"'{s}' is not a valid Decimal128 string or cannot be represented exactly.");
        }

        return result;
    }

    /// <summary>Like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? s, out Decimal128 result) => TryParse(s.AsSpan(), out result);

    /// <summary>Like <see cref="Parse"/>, over characters, returning false instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out Decimal128 result)
    {
        result = default;
        int i = 0;
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            i = 1;
        }

        var rest = s[i..];
        if (rest.Equals("inf", StringComparison.OrdinalIgnoreCase) || rest.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            result = negative ? NegativeInfinity : PositiveInfinity;
            return true;
        }

        if (rest.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            // The sign of a NaN carries no meaning in MongoDB; the canonical NaN is what the server stores.
            result = NaN;
            return true;
        }

        // Significant digits (leading zeros dropped) go to a buffer; only the first 34 can survive, but trailing
        // zeros beyond them are legal, so all are kept to decide exactness.
        Span<char> digits = rest.Length <= MaxStackDigits ? stackalloc char[MaxStackDigits] : new char[rest.Length];
        int count = 0;
        bool sawDigit = false;
        bool sawDot = false;
        long fractionDigits = 0;
        for (; i < s.Length; i++)
        {
            char ch = s[i];
            if (ch >= '0' && ch <= '9')
            {
                sawDigit = true;
                if (sawDot)
                {
                    fractionDigits++;
                }

                if (count > 0 || ch != '0')
                {
                    digits[count++] = ch;
                }
            }
            else if (ch == '.' && !sawDot)
            {
                sawDot = true;
            }
            else
            {
                break;
            }
        }

        if (!sawDigit)
        {
            return false;
        }

        long exponent = 0;
        if (i < s.Length)
        {
            if (s[i] != 'e' && s[i] != 'E')
            {
                return false;
            }

            i++;
            bool negativeExponent = false;
            if (i < s.Length && (s[i] == '+' || s[i] == '-'))
            {
                negativeExponent = s[i] == '-';
                i++;
            }

            if (i == s.Length)
            {
                return false;
            }

            for (; i < s.Length; i++)
            {
                char ch = s[i];
                if (ch < '0' || ch > '9')
                {
                    return false;
                }

                // Saturate: anything this far out either clamps (zero) or fails (non-zero) the same way.
                if (exponent < 1_000_000_000L)
                {
                    exponent = (exponent * 10) + (ch - '0');
                }
            }

            if (negativeExponent)
            {
                exponent = -exponent;
            }
        }

        exponent -= fractionDigits;
        if (count == 0)
        {
            result = FromParts(negative, UInt128.Zero, (int)Math.Clamp(exponent, MinExponent, MaxExponent));
            return true;
        }

        // Too many digits or too small an exponent: drop trailing digits, which is exact only while they are zeros.
        while (count > MaxDigits || exponent < MinExponent)
        {
            if (digits[count - 1] != '0')
            {
                return false;
            }

            count--;
            exponent++;
        }

        UInt128 coefficient = UInt128.Zero;
        for (int d = 0; d < count; d++)
        {
            coefficient = (coefficient * 10) + (uint)(digits[d] - '0');
        }

        // Clamping: trade exponent for trailing zeros while the coefficient has room.
        while (exponent > MaxExponent && count < MaxDigits)
        {
            coefficient *= 10;
            count++;
            exponent--;
        }

        if (exponent > MaxExponent)
        {
            return false;
        }

        result = FromParts(negative, coefficient, (int)exponent);
        return true;
    }

    /// <summary>
    /// The canonical string (as MongoDB's <c>$numberDecimal</c>): regular notation when the exponent is &lt;= 0 and the
    /// adjusted exponent is &gt;= -6, scientific notation (<c>1.23E+5</c>) otherwise; "NaN", "Infinity", "-Infinity".
    /// </summary>
    public override string ToString()
    {
        if (IsNaN)
        {
            return "NaN";
        }

        if (!TryGetFinite(out bool negative, out var coefficient, out int exponent))
        {
            return negative ? "-Infinity" : "Infinity";
        }

        Span<char> digits = stackalloc char[40];
        coefficient.TryFormat(digits, out int count, default, CultureInfo.InvariantCulture);
        int adjusted = exponent + count - 1;
        Span<char> buffer = stackalloc char[64];
        int n = 0;
        if (negative)
        {
            buffer[n++] = '-';
        }

        if (exponent <= 0 && adjusted >= -6)
        {
            int integerDigits = count + exponent;
            if (exponent == 0)
            {
                digits[..count].CopyTo(buffer[n..]);
                n += count;
            }
            else if (integerDigits > 0)
            {
                digits[..integerDigits].CopyTo(buffer[n..]);
                n += integerDigits;
                buffer[n++] = '.';
                digits[integerDigits..count].CopyTo(buffer[n..]);
                n += count - integerDigits;
            }
            else
            {
                buffer[n++] = '0';
                buffer[n++] = '.';
                for (int z = 0; z < -integerDigits; z++)
                {
                    buffer[n++] = '0';
                }

                digits[..count].CopyTo(buffer[n..]);
                n += count;
            }
        }
        else
        {
            buffer[n++] = digits[0];
            if (count > 1)
            {
                buffer[n++] = '.';
                digits[1..count].CopyTo(buffer[n..]);
                n += count - 1;
            }

            buffer[n++] = 'E';
            buffer[n++] = adjusted >= 0 ? '+' : '-';
            Math.Abs(adjusted).TryFormat(buffer[n..], out int written, default, CultureInfo.InvariantCulture);
            n += written;
        }

        return new string(buffer[..n]);
    }
}
