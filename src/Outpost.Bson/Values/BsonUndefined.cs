using System.Text;

namespace Outpost.Bson;

/// <summary>Deprecated BSON undefined (singleton); sorts and compares equal with null.</summary>
public sealed class BsonUndefined : BsonValue
{
    private BsonUndefined() { }
    public static BsonUndefined Value { get; } = new();
    public override BsonType Type => BsonType.Undefined;
    internal override void AppendTo(StringBuilder builder) => builder.Append("{\"$undefined\": true}");
}
