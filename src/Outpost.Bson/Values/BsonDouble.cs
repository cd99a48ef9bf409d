using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>A BSON 64-bit binary floating point value.</summary>
public sealed class BsonDouble(double value) : BsonValue
{
    public double Value { get; } = value;
    public override BsonType Type => BsonType.Double;
    internal override void AppendTo(StringBuilder builder) => builder.Append(TextFormat.FormatDouble(Value));
}
