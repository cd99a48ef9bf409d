using System.Globalization;
using System.Text;

namespace Outpost.Query.Expressions;

/// <summary>$dateToString's format language (%Y %m %d %H %M %S %L %j %w %u %U %V %G %Z %z %b %B %%).</summary>
internal static class DateFormatter
{
    private static readonly string[] MonthNames =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    /// <summary>Validates a constant format at parse time (MongoDB checks formats before running).</summary>
    public static void Validate(string format)
    {
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                continue;
            }

            if (i + 1 >= format.Length)
            {
                throw new MongoException(18535, "Unmatched '%' at end of format string");
            }

            char c = format[++i];
            if ("dGHjLmMSuUVwYzZbB%".IndexOf(c, StringComparison.Ordinal) < 0)
            {
                throw new MongoException(18536, $"Invalid format character '%{c}' in format string");
            }
        }
    }

    public static string Format(string format, long utcMs, TimeZoneSpec tz)
    {
        Validate(format);
        var p = DateParts.From(utcMs, tz);
        var sb = new StringBuilder(format.Length + 16);
        var inv = CultureInfo.InvariantCulture;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }

            char f = format[++i];
            switch (f)
            {
                case 'Y':
                    if (p.Year is < 0 or > 9999)
                    {
                        throw new MongoException(18537, "Could not convert date to string: date component was outside the supported range of 0-9999: " + p.Year);
                    }

                    sb.Append(p.Year.ToString("D4", inv));
                    break;
                case 'G':
                    sb.Append(p.IsoWeek.Year.ToString("D4", inv));
                    break;
                case 'm': sb.Append(p.Month.ToString("D2", inv)); break;
                case 'd': sb.Append(p.Day.ToString("D2", inv)); break;
                case 'H': sb.Append(p.Hour.ToString("D2", inv)); break;
                case 'M': sb.Append(p.Minute.ToString("D2", inv)); break;
                case 'S': sb.Append(p.Second.ToString("D2", inv)); break;
                case 'L': sb.Append(p.Millisecond.ToString("D3", inv)); break;
                case 'j': sb.Append(p.DayOfYear.ToString("D3", inv)); break;
                case 'w': sb.Append(p.DayOfWeekSunday1.ToString(inv)); break;
                case 'u': sb.Append(p.IsoDayOfWeek.ToString(inv)); break;
                case 'U': sb.Append(p.SundayWeek.ToString("D2", inv)); break;
                case 'V': sb.Append(p.IsoWeek.Week.ToString("D2", inv)); break;
                case 'b': sb.Append(MonthNames[p.Month - 1].AsSpan(0, 3)); break;
                case 'B': sb.Append(MonthNames[p.Month - 1]); break;
                case 'z':
                {
                    var off = tz.OffsetAt(utcMs);
                    sb.Append(off < TimeSpan.Zero ? '-' : '+');
                    var a = off.Duration();
                    sb.Append(a.Hours.ToString("D2", inv)).Append(a.Minutes.ToString("D2", inv));
                    break;
                }

                case 'Z':
                    sb.Append(((long)tz.OffsetAt(utcMs).TotalMinutes).ToString(inv));
                    break;
                case '%':
                    sb.Append('%');
                    break;
            }
        }

        return sb.ToString();
    }
}
