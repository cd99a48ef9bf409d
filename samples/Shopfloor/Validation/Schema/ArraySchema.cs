using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>An array whose items all follow <see cref="Items"/>.</summary>
public sealed class ArraySchema : SchemaNode
{
    public ArraySchema(SchemaNode items) => Items = items;

    public SchemaNode Items { get; }
    public int? MinItems { get; init; }
    public bool UniqueItems { get; init; }

    protected override string TypeName => "array";

    public override void Validate(BsonValue value, string path, List<Violation> violations)
    {
        if (!CheckType(value is BsonArray, value, path, violations))
        {
            return;
        }
        var array = value.AsArray;
        if (array.Count < MinItems)
        {
            violations.Add(new Violation(path, RuleNames.MinItems, $"must have at least {MinItems} items, has {array.Count}"));
        }
        for (var i = 0; i < array.Count; i++)
        {
            Items.Validate(array[i], Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), violations);
            if (UniqueItems)
            {
                for (var j = 0; j < i; j++)
                {
                    if (array[j] == array[i])
                    {
                        violations.Add(new Violation(Join(path, i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                            RuleNames.UniqueItems, $"repeats item {j}"));
                        break;
                    }
                }
            }
        }
    }

    protected override void WriteJsonSchema(BsonDocument schema)
    {
        schema.Add("bsonType", TypeName);
        if (MinItems is { } min)
        {
            schema.Add("minItems", min);
        }
        if (UniqueItems)
        {
            schema.Add("uniqueItems", true);
        }
        schema.Add("items", Items.ToJsonSchema());
    }
}
