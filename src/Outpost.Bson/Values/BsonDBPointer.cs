using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>A deprecated BSON DBPointer: a namespace string and an ObjectId.</summary>
public sealed class BsonDBPointer : BsonValue
{
    /// <summary>Creates a DBPointer value.</summary>
    public BsonDBPointer(string @namespace, ObjectId id)
    {
        ArgumentNullException.ThrowIfNull(@namespace);
        Namespace = @namespace;
        Id = id;
    }

    public string Namespace { get; }
    public ObjectId Id { get; }
    public override BsonType Type => BsonType.DBPointer;

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append("{\"$dbPointer\": {\"$ref\": ");
        TextFormat.AppendQuoted(builder, Namespace);
        builder.Append(", \"$id\": {\"$oid\": \"").Append(Id.ToString()).Append("\"}}}");
    }
}
