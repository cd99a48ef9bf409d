using System.Text;

namespace Outpost.Bson;

/// <summary>BSON null (singleton).</summary>
public sealed class BsonNull : BsonValue
{
    private BsonNull() { }
    public static BsonNull Value { get; } = new();
    public override BsonType Type => BsonType.Null;
    internal override void AppendTo(StringBuilder builder) => builder.Append("null");
}
