using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>A number (any BSON numeric, or int/long only when <see cref="Integer"/>) with bounds.</summary>
public sealed class NumberSchema : SchemaNode
{
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    /// <summary>Makes <see cref="Minimum"/> exclusive (zod's <c>positive()</c> is <c>minimum 0, exclusive</c>).</summary>
    public bool ExclusiveMinimum { get; init; }
    /// <summary>Only int32/int64 values are accepted.</summary>
    public bool Integer { get; init; }

    protected override string TypeName => Integer ? "int|long" : "number";

    public override void Validate(BsonValue value, string path, List<Violation> violations)
    {
        var ok = Integer ? value.Type is BsonType.Int32 or BsonType.Int64 : value.IsNumeric;
        if (!CheckType(ok, value, path, violations))
        {
            return;
        }
        var d = value.ToDouble();
        // NaN compares false with everything; MongoDB orders it below every number, so it fails any minimum.
        if (Minimum is { } min)
        {
            if (double.IsNaN(d) || d < min)
            {
                violations.Add(new Violation(path, RuleNames.Minimum, $"must be {(ExclusiveMinimum ? ">" : ">=")} {min}, is {d}"));
            }
            else if (ExclusiveMinimum && d == min)
            {
                violations.Add(new Violation(path, RuleNames.ExclusiveMinimum, $"must be > {min}, is {d}"));
            }
        }
        if (Maximum is { } max && (d > max || (double.IsNaN(d) && Minimum is null)))
        {
            violations.Add(new Violation(path, RuleNames.Maximum, $"must be <= {max}, is {d}"));
        }
    }

    protected override void WriteJsonSchema(BsonDocument schema)
    {
        schema.Add("bsonType", Integer ? new BsonArray { "int", "long" } : "number");
        if (Minimum is { } min)
        {
            schema.Add("minimum", AsBson(min));
            if (ExclusiveMinimum)
            {
                schema.Add("exclusiveMinimum", true);
            }
        }
        if (Maximum is { } max)
        {
            schema.Add("maximum", AsBson(max));
        }
    }

    private static BsonValue AsBson(double d) => d == Math.Floor(d) && Math.Abs(d) < int.MaxValue ? (BsonValue)(int)d : d;
}
