using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON IEEE 754-2008 decimal128 value.</summary>
public sealed class BsonDecimal128(Decimal128 value) : BsonValue
{
    public Decimal128 Value { get; } = value;
    public override BsonType Type => BsonType.Decimal128;
    internal override void AppendTo(StringBuilder builder) =>
        builder.Append("{\"$numberDecimal\": \"").Append(Value.ToString()).Append("\"}");
}
