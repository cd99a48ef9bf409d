using System.Globalization;

namespace Outpost.Query.Expressions;

/// <summary>A time zone of the date operators: UTC, a fixed UTC offset ("+05:30", "-0800", "+03") or an IANA name.</summary>
internal sealed class TimeZoneSpec
{
    public static readonly TimeZoneSpec Utc = new(null, TimeSpan.Zero);

    private readonly TimeZoneInfo? _zone;
    private readonly TimeSpan _fixedOffset;

    private TimeZoneSpec(TimeZoneInfo? zone, TimeSpan fixedOffset)
    {
        _zone = zone;
        _fixedOffset = fixedOffset;
    }

    public static TimeZoneSpec Parse(string text)
    {
        if (text is "UTC" or "GMT" or "Z" or "Etc/UTC" or "Etc/GMT")
        {
            return Utc;
        }

        if (text.Length > 0 && (text[0] == '+' || text[0] == '-'))
        {
            if (TryParseOffset(text.AsSpan(1), out var off))
            {
                return new TimeZoneSpec(null, text[0] == '-' ? -off : off);
            }
        }
        else
        {
            try
            {
                return new TimeZoneSpec(TimeZoneInfo.FindSystemTimeZoneById(text), TimeSpan.Zero);
            }
            catch (TimeZoneNotFoundException)
            {
            }
            catch (InvalidTimeZoneException)
            {
            }
        }

        throw new MongoException(40485, $"unrecognized time zone identifier: \"{text}\"");
    }

    private static bool TryParseOffset(ReadOnlySpan<char> s, out TimeSpan offset)
    {
        offset = default;
        int h, m = 0;
        if (s.Length == 2 && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out h))
        {
        }
        else if (s.Length == 4 && int.TryParse(s[..2], NumberStyles.None, CultureInfo.InvariantCulture, out h)
                 && int.TryParse(s[2..], NumberStyles.None, CultureInfo.InvariantCulture, out m))
        {
        }
        else if (s.Length == 5 && s[2] == ':' && int.TryParse(s[..2], NumberStyles.None, CultureInfo.InvariantCulture, out h)
                 && int.TryParse(s[3..], NumberStyles.None, CultureInfo.InvariantCulture, out m))
        {
        }
        else
        {
            return false;
        }

        offset = new TimeSpan(h, m, 0);
        return true;
    }

    /// <summary>Whether this is UTC itself (a fixed zero offset counts, as MongoDB treats "+00:00" as UTC).</summary>
    public bool IsUtc => _zone is null && _fixedOffset == TimeSpan.Zero;

    /// <summary>The zone's offset from UTC at the instant <paramref name="utcMs"/>.</summary>
    public TimeSpan OffsetAt(long utcMs)
    {
        if (_zone is null)
        {
            return _fixedOffset;
        }

        var utc = DateTime.UnixEpoch.AddMilliseconds(Math.Clamp(utcMs, -62135596800000L, 253402300799999L));
        return _zone.GetUtcOffset(utc);
    }

    /// <summary>Local wall-clock milliseconds (since the epoch, as if the local time were UTC).</summary>
    public long ToLocalMs(long utcMs) => utcMs + (long)OffsetAt(utcMs).TotalMilliseconds;

    /// <summary>The UTC instant of a local wall-clock time (gaps move forward, overlaps take the earlier offset).</summary>
    public long FromLocalMs(long localMs)
    {
        if (_zone is null)
        {
            return localMs - (long)_fixedOffset.TotalMilliseconds;
        }

        // Try the offsets around the local time; pick the one that maps back to this local time.
        long guess = localMs - (long)OffsetAt(localMs).TotalMilliseconds;
        long check = ToLocalMs(guess);
        if (check == localMs)
        {
            return guess;
        }

        long second = localMs - (long)OffsetAt(guess).TotalMilliseconds;
        return ToLocalMs(second) == localMs ? second : guess;
    }
}
