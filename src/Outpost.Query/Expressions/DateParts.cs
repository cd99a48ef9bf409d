using System.Globalization;

namespace Outpost.Query.Expressions;

/// <summary>The calendar fields of an instant in a time zone (proleptic Gregorian, years may be outside 1–9999).</summary>
internal readonly record struct DateParts(long Year, int Month, int Day, int Hour, int Minute, int Second, int Millisecond, int DayOfYear, int DayOfWeekSunday1)
{
    private const long MsPerDay = 86_400_000;

    public static DateParts From(long utcMs, TimeZoneSpec tz)
    {
        long local = tz.ToLocalMs(utcMs);
        long days = FloorDiv(local, MsPerDay);
        long msOfDay = local - days * MsPerDay;
        var (y, m, d) = CivilFromDays(days);
        int dow = (int)(((days % 7) + 7 + 4) % 7); // 1970-01-01 was a Thursday (4, Sunday = 0)
        long jan1 = DaysFromCivil(y, 1, 1);
        return new DateParts(y, m, d, (int)(msOfDay / 3_600_000), (int)(msOfDay / 60_000 % 60), (int)(msOfDay / 1000 % 60), (int)(msOfDay % 1000),
            (int)(days - jan1 + 1), dow + 1);
    }

    /// <summary>ISO 8601 day of week: Monday = 1 … Sunday = 7.</summary>
    public int IsoDayOfWeek => DayOfWeekSunday1 == 1 ? 7 : DayOfWeekSunday1 - 1;

    /// <summary>Week of the year with weeks starting on Sunday (%U): days before the first Sunday are week 0.</summary>
    public int SundayWeek => (DayOfYear + 6 - (DayOfWeekSunday1 - 1)) / 7;

    public (long Year, int Week) IsoWeek
    {
        get
        {
            int wd = IsoDayOfWeek;
            int week = (DayOfYear - wd + 10) / 7;
            if (week < 1)
            {
                long py = Year - 1;
                return (py, WeeksInIsoYear(py));
            }

            if (week > WeeksInIsoYear(Year))
            {
                return (Year + 1, 1);
            }

            return (Year, week);
        }
    }

    private static int WeeksInIsoYear(long y)
    {
        static long P(long year) => (year + FloorDiv(year, 4) - FloorDiv(year, 100) + FloorDiv(year, 400)) % 7;
        return P(y) == 4 || P(y - 1) == 3 ? 53 : 52;
    }

    public static long FloorDiv(long a, long b) => a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);

    /// <summary>Howard Hinnant's days-from-civil: days since 1970-01-01 of a proleptic Gregorian date.</summary>
    public static long DaysFromCivil(long y, long m, long d)
    {
        y -= m <= 2 ? 1 : 0;
        long era = FloorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    public static (long Y, int M, int D) CivilFromDays(long z)
    {
        z += 719468;
        long era = FloorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp + (mp < 10 ? 3 : -9);
        return (y + (m <= 2 ? 1 : 0), (int)m, (int)d);
    }

    public static bool IsLeap(long y) => (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    public static int DaysInMonth(long y, int m) => m == 2 ? (IsLeap(y) ? 29 : 28) : m is 4 or 6 or 9 or 11 ? 30 : 31;

    /// <summary>Local wall-clock ms of calendar fields; out-of-range fields carry (month 14 → next year), as $dateFromParts does.</summary>
    public static long LocalMs(long year, long month, long day, long hour, long minute, long second, long ms)
    {
        long totalMonths = year * 12 + (month - 1);
        long y = FloorDiv(totalMonths, 12);
        long m = totalMonths - y * 12 + 1;
        long days = DaysFromCivil(y, m, 1) + (day - 1);
        return days * MsPerDay + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Year:D4}-{Month:D2}-{Day:D2}T{Hour:D2}:{Minute:D2}:{Second:D2}.{Millisecond:D3}");
}
