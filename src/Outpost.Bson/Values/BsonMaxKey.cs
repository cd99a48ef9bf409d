using System.Text;

namespace Outpost.Bson;

/// <summary>BSON MaxKey (singleton): sorts after every other value.</summary>
public sealed class BsonMaxKey : BsonValue
{
    private BsonMaxKey() { }
    public static BsonMaxKey Value { get; } = new();
    public override BsonType Type => BsonType.MaxKey;
    internal override void AppendTo(StringBuilder builder) => builder.Append("{\"$maxKey\": 1}");
}
