using System.Globalization;
using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON timestamp: seconds in the high 32 bits, an increment in the low 32 bits.</summary>
public sealed class BsonTimestamp : BsonValue
{
    /// <summary>Creates a timestamp from its combined 64-bit value.</summary>
    public BsonTimestamp(ulong value) => Value = value;

    /// <summary>Creates a timestamp from seconds and increment.</summary>
    public BsonTimestamp(uint seconds, uint increment) => Value = ((ulong)seconds << 32) | increment;

    public ulong Value { get; }
    public uint Seconds => (uint)(Value >> 32);
    public uint Increment => (uint)Value;
    public override BsonType Type => BsonType.Timestamp;

    internal override void AppendTo(StringBuilder builder) =>
        builder.Append(CultureInfo.InvariantCulture, $"{{\"$timestamp\": {{\"t\": {Seconds}, \"i\": {Increment}}}}}");
}
