using System.Globalization;

namespace Outpost.Query.Expressions;

/// <summary>$dateFromString's parser: ISO 8601-like strings by default, or a $dateToString-style format.</summary>
internal static class DateStringParser
{
    public static long Parse(string text, string? format, TimeZoneSpec tz)
    {
        return format is null ? ParseDefault(text, tz) : ParseFormat(text, format, tz);
    }

    private static MongoException Fail(string text, string why) =>
        new(ErrorCodes.ConversionFailure, $"Error parsing date string '{text}'; {why}");

    private static long ParseDefault(string text, TimeZoneSpec tz)
    {
        string t = text.Trim();
        var styles = DateTimeStyles.AllowWhiteSpaces;
        string[] withOffset = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd HH:mm:sszzz"];
        if (t.EndsWith('Z'))
        {
            string body = t[..^1];
            if (TryLocal(body, out var dtz))
            {
                return new DateTimeOffset(dtz, TimeSpan.Zero).ToUnixTimeMilliseconds();
            }

            throw Fail(text, "could not parse");
        }

        if (DateTimeOffset.TryParseExact(t, withOffset, CultureInfo.InvariantCulture, styles, out var dto))
        {
            return dto.ToUnixTimeMilliseconds();
        }

        if (TryLocal(t, out var local))
        {
            long localMs = new DateTimeOffset(local, TimeSpan.Zero).ToUnixTimeMilliseconds();
            return tz.FromLocalMs(localMs);
        }

        throw Fail(text, "could not parse");
    }

    private static bool TryLocal(string t, out DateTime value)
    {
        string[] formats =
        [
            "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm:ss",
            "yyyy-MM-dd HH:mm", "yyyy-MM-dd", "yyyy/MM/dd", "yyyy/MM/dd HH:mm:ss", "MMM d, yyyy", "MMMM d, yyyy", "d MMM yyyy", "yyyy-MM",
        ];
        return DateTime.TryParseExact(t, formats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out value);
    }

    private static long ParseFormat(string text, string format, TimeZoneSpec tz)
    {
        DateFormatter.Validate(format);
        long year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, ms = 0;
        long? dayOfYear = null, isoYear = null, isoWeek = null, isoDow = null;
        TimeSpan? offset = null;
        int pos = 0;
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%')
            {
                if (pos >= text.Length || text[pos] != c)
                {
                    throw Fail(text, $"Format literal not found");
                }

                pos++;
                continue;
            }

            char f = format[++i];
            switch (f)
            {
                case 'Y': year = Number(text, ref pos, 4, 4); break;
                case 'G': isoYear = Number(text, ref pos, 4, 4); break;
                case 'm': month = Number(text, ref pos, 1, 2); break;
                case 'd': day = Number(text, ref pos, 1, 2); break;
                case 'H': hour = Number(text, ref pos, 1, 2); break;
                case 'M': minute = Number(text, ref pos, 1, 2); break;
                case 'S': second = Number(text, ref pos, 1, 2); break;
                case 'L': ms = Number(text, ref pos, 1, 3); break;
                case 'j': dayOfYear = Number(text, ref pos, 1, 3); break;
                case 'V': isoWeek = Number(text, ref pos, 1, 2); break;
                case 'u': isoDow = Number(text, ref pos, 1, 1); break;
                case 'w': isoDow = Number(text, ref pos, 1, 1) is var w && w == 1 ? 7 : w - 1; break;
                case 'U': Number(text, ref pos, 1, 2); break;
                case 'b' or 'B':
                {
                    var names = CultureInfo.InvariantCulture.DateTimeFormat;
                    bool found = false;
                    for (int m = 1; m <= 12 && !found; m++)
                    {
                        foreach (var n in f == 'b' ? new[] { names.GetAbbreviatedMonthName(m) } : [names.GetMonthName(m)])
                        {
                            if (string.Compare(text, pos, n, 0, n.Length, StringComparison.OrdinalIgnoreCase) == 0)
                            {
                                month = m;
                                pos += n.Length;
                                found = true;
                                break;
                            }
                        }
                    }

                    if (!found)
                    {
                        throw Fail(text, "bad month name");
                    }

                    break;
                }

                case 'z':
                {
                    if (pos < text.Length && text[pos] == 'Z')
                    {
                        pos++;
                        offset = TimeSpan.Zero;
                        break;
                    }

                    int sign = pos < text.Length && text[pos] == '-' ? -1 : pos < text.Length && text[pos] == '+' ? 1 : throw Fail(text, "bad offset");
                    pos++;
                    long hh = Number(text, ref pos, 2, 2);
                    if (pos < text.Length && text[pos] == ':')
                    {
                        pos++;
                    }

                    long mm = Number(text, ref pos, 2, 2);
                    offset = sign * new TimeSpan((int)hh, (int)mm, 0);
                    break;
                }

                case 'Z':
                {
                    int sign = pos < text.Length && text[pos] == '-' ? -1 : 1;
                    if (pos < text.Length && (text[pos] == '-' || text[pos] == '+'))
                    {
                        pos++;
                    }

                    offset = TimeSpan.FromMinutes(sign * Number(text, ref pos, 1, 4));
                    break;
                }

                case '%':
                    if (pos >= text.Length || text[pos] != '%')
                    {
                        throw Fail(text, "Format literal not found");
                    }

                    pos++;
                    break;
            }
        }

        if (pos != text.Length)
        {
            throw Fail(text, "Trailing data");
        }

        if (month is < 1 or > 12 || day < 1 || day > DateParts.DaysInMonth(year, (int)Math.Clamp(month, 1, 12)) || hour > 23 || minute > 59 || second > 59)
        {
            throw Fail(text, "The parsed date was invalid");
        }

        long local;
        if (isoYear is not null || isoWeek is not null)
        {
            long y = isoYear ?? year;
            long jan4 = DateParts.DaysFromCivil(y, 1, 4);
            long monday = jan4 - ((jan4 % 7) + 7 + 3) % 7;
            long days = monday + ((isoWeek ?? 1) - 1) * 7 + ((isoDow ?? 1) - 1);
            local = days * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
        }
        else if (dayOfYear is not null)
        {
            local = (DateParts.DaysFromCivil(year, 1, 1) + dayOfYear.Value - 1) * 86_400_000 + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
        }
        else
        {
            local = DateParts.LocalMs(year, month, day, hour, minute, second, ms);
        }

        return offset is { } o ? local - (long)o.TotalMilliseconds : tz.FromLocalMs(local);
    }

    private static long Number(string text, ref int pos, int min, int max)
    {
        int start = pos;
        while (pos < text.Length && pos - start < max && char.IsAsciiDigit(text[pos]))
        {
            pos++;
        }

        if (pos - start < min)
        {
            throw Fail(text, "Unexpected data or missing digits");
        }

        return long.Parse(text.AsSpan(start, pos - start), CultureInfo.InvariantCulture);
    }
}
