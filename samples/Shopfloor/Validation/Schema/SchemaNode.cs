using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>
/// One node of a rule tree. The same tree validates a document in C# (on the device, before a write) and
/// renders itself as a MongoDB <c>$jsonSchema</c> (installed as the server's collection validator), so the
/// two paths cannot drift apart.
/// </summary>
public abstract class SchemaNode
{
    /// <summary>Shown in the <c>$jsonSchema</c> as <c>description</c>.</summary>
    public string? Description { get; init; }

    /// <summary>Appends every violation of <paramref name="value"/> (found at <paramref name="path"/>).</summary>
    public abstract void Validate(BsonValue value, string path, List<Violation> violations);

    /// <summary>Renders the node as a <c>$jsonSchema</c> fragment.</summary>
    public BsonDocument ToJsonSchema()
    {
        var schema = new BsonDocument();
        WriteJsonSchema(schema);
        if (Description is not null)
        {
            schema.Add("description", Description);
        }
        return schema;
    }

    /// <summary>Writes the keywords of this node.</summary>
    protected abstract void WriteJsonSchema(BsonDocument schema);

    /// <summary>The bsonType this node accepts, as named in <c>$jsonSchema</c>.</summary>
    protected abstract string TypeName { get; }

    internal string BsonTypeName => TypeName;

    /// <summary>Reports a bsonType violation and returns false when <paramref name="ok"/> is false.</summary>
    protected bool CheckType(bool ok, BsonValue value, string path, List<Violation> violations)
    {
        if (!ok)
        {
            violations.Add(new Violation(path, RuleNames.BsonType, $"expected {TypeName}, found {value.Type}"));
        }
        return ok;
    }

    internal static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
