using System.Text;

namespace Outpost.Bson;

/// <summary>BSON MinKey (singleton): sorts before every other value.</summary>
public sealed class BsonMinKey : BsonValue
{
    private BsonMinKey() { }
    public static BsonMinKey Value { get; } = new();
    public override BsonType Type => BsonType.MinKey;
    internal override void AppendTo(StringBuilder builder) => builder.Append("{\"$minKey\": 1}");
}
