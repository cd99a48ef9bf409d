using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>
/// An embedded document with named properties, each required or optional. Unknown fields are allowed (as zod's
/// default object strips rather than rejects them, and the server stamps its own bookkeeping fields).
/// A missing optional field is fine; an explicit null is not (zod's <c>optional()</c> rejects null too).
/// </summary>
public sealed class ObjectSchema : SchemaNode
{
    private readonly List<(string Name, SchemaNode Node, bool Required)> _properties = [];

    protected override string TypeName => "object";

    /// <summary>The properties in declaration order.</summary>
    public IReadOnlyList<(string Name, SchemaNode Node, bool Required)> Properties => _properties;

    /// <summary>Adds a required property.</summary>
    public ObjectSchema Required(string name, SchemaNode node)
    {
        _properties.Add((name, node, true));
        return this;
    }

    /// <summary>Adds an optional property.</summary>
    public ObjectSchema Optional(string name, SchemaNode node)
    {
        _properties.Add((name, node, false));
        return this;
    }

    public override void Validate(BsonValue value, string path, List<Violation> violations)
    {
        if (!CheckType(value is BsonDocument, value, path, violations))
        {
            return;
        }
        var document = value.AsDocument;
        foreach (var (name, node, required) in _properties)
        {
            var fieldPath = Join(path, name);
            if (document.TryGetValue(name, out var field))
            {
                node.Validate(field, fieldPath, violations);
            }
            else if (required)
            {
                violations.Add(new Violation(fieldPath, RuleNames.Required, "is required"));
            }
        }
    }

    /// <summary>Every dotted path this schema declares (objects and leaves; arrays are not descended).</summary>
    public IReadOnlyList<string> EnumeratePaths()
    {
        var paths = new List<string>();
        Collect(this, "", paths);
        return paths;
    }

    private static void Collect(ObjectSchema schema, string prefix, List<string> paths)
    {
        foreach (var (name, node, _) in schema._properties)
        {
            var path = Join(prefix, name);
            paths.Add(path);
            var inner = node is EncryptableSchema e ? e.Inner : node;
            if (inner is ObjectSchema child)
            {
                Collect(child, path, paths);
            }
        }
    }

    protected override void WriteJsonSchema(BsonDocument schema)
    {
        schema.Add("bsonType", TypeName);
        var required = new BsonArray();
        var properties = new BsonDocument();
        foreach (var (name, node, isRequired) in _properties)
        {
            if (isRequired)
            {
                required.Add(name);
            }
            properties.Add(name, node.ToJsonSchema());
        }
        if (required.Count > 0)
        {
            schema.Add("required", required);
        }
        schema.Add("properties", properties);
    }
}
