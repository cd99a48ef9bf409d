using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>Any embedded document (the seed's <c>record(unknown)</c>): only the type is checked.</summary>
public sealed class FreeFormSchema : SchemaNode
{
    protected override string TypeName => "object";

    public override void Validate(BsonValue value, string path, List<Violation> violations) =>
        CheckType(value.Type == BsonType.Document, value, path, violations);

    protected override void WriteJsonSchema(BsonDocument schema) => schema.Add("bsonType", TypeName);
}
