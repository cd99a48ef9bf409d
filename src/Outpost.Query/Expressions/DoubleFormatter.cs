using System.Globalization;
using System.Text;

namespace Outpost.Query.Expressions;

/// <summary>
/// Doubles as MongoDB's <c>$toString</c>/<c>$convert</c> print them (the server formats with fmt's <c>"{}"</c>):
/// the shortest digits that round-trip, fixed notation for decimal exponents -4 through 15, otherwise scientific with
/// a lowercase <c>e</c>, an explicit exponent sign and at least two exponent digits — 1.0 → "1", 0.1 → "0.1",
/// 1e16 → "1e+16", 1e-5 → "1e-05"; NaN, Infinity, -Infinity and "-0" are spelled out.
/// </summary>
internal static class DoubleFormatter
{
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        if (value == 0)
        {
            return double.IsNegative(value) ? "-0" : "0";
        }

        // "E16" would not be shortest; "R" is, in either notation: split it into digits and a decimal exponent.
        string shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        int e = shortest.IndexOf('E', StringComparison.Ordinal);
        string mantissa = e < 0 ? shortest : shortest[..e];
        int exponent = e < 0 ? 0 : int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = point < 0 ? mantissa : string.Concat(mantissa.AsSpan(0, point), mantissa.AsSpan(point + 1));
        int integerDigits = point < 0 ? mantissa.Length : point;
        int leadingZeros = 0;
        while (leadingZeros < digits.Length - 1 && digits[leadingZeros] == '0')
        {
            leadingZeros++;
        }

        digits = digits[leadingZeros..].TrimEnd('0');
        // Decimal exponent of the first significant digit.
        int exp10 = exponent + integerDigits - 1 - leadingZeros;

        var text = new StringBuilder(32);
        if (value < 0)
        {
            text.Append('-');
        }

        if (exp10 < -4 || exp10 >= 16)
        {
            text.Append(digits[0]);
            if (digits.Length > 1)
            {
                text.Append('.').Append(digits, 1, digits.Length - 1);
            }

            text.Append('e').Append(exp10 < 0 ? '-' : '+').Append(Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (exp10 < 0)
        {
            text.Append("0.").Append('0', -exp10 - 1).Append(digits);
        }
        else if (digits.Length <= exp10 + 1)
        {
            text.Append(digits).Append('0', exp10 + 1 - digits.Length);
        }
        else
        {
            text.Append(digits, 0, exp10 + 1).Append('.').Append(digits, exp10 + 1, digits.Length - exp10 - 1);
        }

        return text.ToString();
    }
}
