using System.Globalization;
using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON 64-bit signed integer.</summary>
public sealed class BsonInt64(long value) : BsonValue
{
    public long Value { get; } = value;
    public override BsonType Type => BsonType.Int64;
    internal override void AppendTo(StringBuilder builder) => builder.Append(Value.ToString(CultureInfo.InvariantCulture));
}
