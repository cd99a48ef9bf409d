using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>A BSON boolean.</summary>
public sealed class BooleanSchema : SchemaNode
{
    protected override string TypeName => "bool";

    public override void Validate(BsonValue value, string path, List<Violation> violations) =>
        CheckType(value.Type == BsonType.Boolean, value, path, violations);

    protected override void WriteJsonSchema(BsonDocument schema) => schema.Add("bsonType", TypeName);
}
