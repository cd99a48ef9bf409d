using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>A BSON ObjectId.</summary>
public sealed class ObjectIdSchema : SchemaNode
{
    protected override string TypeName => "objectId";

    public override void Validate(BsonValue value, string path, List<Violation> violations) =>
        CheckType(value.Type == BsonType.ObjectId, value, path, violations);

    protected override void WriteJsonSchema(BsonDocument schema) => schema.Add("bsonType", TypeName);
}
