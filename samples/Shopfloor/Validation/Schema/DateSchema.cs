using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>A BSON UTC datetime.</summary>
public sealed class DateSchema : SchemaNode
{
    protected override string TypeName => "date";

    public override void Validate(BsonValue value, string path, List<Violation> violations) =>
        CheckType(value.Type == BsonType.DateTime, value, path, violations);

    protected override void WriteJsonSchema(BsonDocument schema) => schema.Add("bsonType", TypeName);
}
