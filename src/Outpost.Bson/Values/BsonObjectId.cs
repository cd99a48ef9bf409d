using System.Text;

namespace Outpost.Bson;

/// <summary>A BSON ObjectId value.</summary>
public sealed class BsonObjectId(ObjectId value) : BsonValue
{
    public ObjectId Value { get; } = value;
    public override BsonType Type => BsonType.ObjectId;
    internal override void AppendTo(StringBuilder builder) => builder.Append("{\"$oid\": \"").Append(Value.ToString()).Append("\"}");
}
