using System.Globalization;
using System.Text;

namespace Outpost.Bson.Internal;

/// <summary>Small helpers behind the readable ToString forms.</summary>
internal static class TextFormat
{
    internal static void AppendQuoted(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (char ch in value)
        {
            switch (ch)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case < ' ': builder.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: builder.Append(ch); break;
            }
        }

        builder.Append('"');
    }

    internal static string FormatDouble(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            return "{\"$numberDouble\": \"" + (double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity") + "\"}";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
