using System.Globalization;
using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON UTC datetime: signed milliseconds since the Unix epoch (any 64-bit value is valid BSON).</summary>
public sealed class BsonDateTime : BsonValue
{
    private const long MinRepresentableMs = -62135596800000L; // 0001-01-01T00:00:00Z
    private const long MaxRepresentableMs = 253402300799999L; // 9999-12-31T23:59:59.999Z

    /// <summary>Creates a datetime from milliseconds since the Unix epoch.</summary>
    public BsonDateTime(long millisecondsSinceEpoch) => MillisecondsSinceEpoch = millisecondsSinceEpoch;

    /// <summary>Creates a datetime from a <see cref="DateTime"/>; Local is converted to UTC, Unspecified is taken as UTC.</summary>
    public BsonDateTime(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        MillisecondsSinceEpoch = (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    /// <summary>Creates a datetime from a <see cref="DateTimeOffset"/> (truncated to milliseconds).</summary>
    public BsonDateTime(DateTimeOffset value) => MillisecondsSinceEpoch = value.ToUnixTimeMilliseconds();

    public long MillisecondsSinceEpoch { get; }
    public override BsonType Type => BsonType.DateTime;

    /// <summary>True when the value lies within years 1–9999 and so converts to .NET date types.</summary>
    public bool IsInDateTimeRange => MillisecondsSinceEpoch is >= MinRepresentableMs and <= MaxRepresentableMs;

    /// <summary>The value as a UTC <see cref="DateTimeOffset"/>.</summary>
    /// <exception cref="InvalidOperationException">When outside years 1–9999 (see <see cref="IsInDateTimeRange"/>).</exception>
    public DateTimeOffset ToDateTimeOffset() => IsInDateTimeRange
        ? DateTimeOffset.FromUnixTimeMilliseconds(MillisecondsSinceEpoch)
        : throw new InvalidOperationException($"BSON datetime {MillisecondsSinceEpoch} ms is outside the DateTimeOffset range.");

    /// <summary>The value as a UTC <see cref="DateTime"/>.</summary>
    public DateTime ToDateTime() => ToDateTimeOffset().UtcDateTime;

    internal override void AppendTo(StringBuilder builder)
    {
        if (IsInDateTimeRange && MillisecondsSinceEpoch >= 0)
        {
            builder.Append("{\"$date\": \"")
                .Append(ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
                .Append("\"}");
        }
        else
        {
            builder.Append(CultureInfo.InvariantCulture, $"{{\"$date\": {{\"$numberLong\": \"{MillisecondsSinceEpoch}\"}}}}");
        }
    }
}
