using Outpost.Bson;
using Shopfloor.Security;

namespace Shopfloor.Validation.Schema;

/// <summary>
/// A field that is either in clear text (validated by <see cref="Inner"/>) or encrypted at rest as BSON binary
/// subtype 6 in <see cref="EncryptedFieldEnvelope"/> form. The server's validator sees only the stored (encrypted)
/// form, the device sees clear text; both must pass.
/// </summary>
public sealed class EncryptableSchema : SchemaNode
{
    public EncryptableSchema(SchemaNode inner) => Inner = inner;

    public SchemaNode Inner { get; }

    protected override string TypeName => Inner.BsonTypeName + "|binData";

    public override void Validate(BsonValue value, string path, List<Violation> violations)
    {
        if (value is BsonBinary binary)
        {
            if (binary.SubType != BsonBinarySubType.Encrypted || !EncryptedFieldEnvelope.LooksLikeEnvelope(binary.Data.Span))
            {
                violations.Add(new Violation(path, RuleNames.Encrypted, "binary value is not an Outpost encrypted-field envelope (subtype 6, version 1)"));
            }
            return;
        }
        Inner.Validate(value, path, violations);
    }

    protected override void WriteJsonSchema(BsonDocument schema)
    {
        // In $jsonSchema, properties/minimum/pattern apply only to values of their own type, so widening bsonType
        // keeps the clear-text constraints while letting the ciphertext through.
        foreach (var element in Inner.ToJsonSchema())
        {
            if (element.Name == "bsonType")
            {
                var types = new BsonArray();
                if (element.Value is BsonArray inner)
                {
                    types.AddRange(inner);
                }
                else
                {
                    types.Add(element.Value);
                }
                types.Add("binData");
                schema.Add("bsonType", types);
            }
            else
            {
                schema.Add(element);
            }
        }
    }
}
