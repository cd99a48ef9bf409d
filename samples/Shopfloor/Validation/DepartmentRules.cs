using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Validation.Schema;

namespace Shopfloor.Validation;

/// <summary>
/// The seed's DepartmentSchema: name and code, sync policy and frequency, settings (max photos per session,
/// compression quality 50–100, GPS required, mandatory fields, retention days). Beyond the seed: the _id, name
/// and code must be one of the five known departments together, and mandatory fields must name photo fields.
/// </summary>
public sealed class DepartmentRules
{
    public DepartmentRules(PhotoRules photoRules)
    {
        ArgumentNullException.ThrowIfNull(photoRules);
        var settings = new ObjectSchema()
            .Optional("maxPhotosPerSession", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true })
            .Optional("compressionQuality", new NumberSchema { Integer = true, Minimum = 50, Maximum = 100 })
            .Optional("requireGPSLocation", new BooleanSchema())
            .Optional("mandatoryFields", new ArraySchema(new StringSchema(allowed: photoRules.FieldPaths)) { UniqueItems = true })
            .Optional("photoRetentionDays", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true });
        Schema = new ObjectSchema { Description = "Shopfloor department (DepartmentSchema)" }
            .Required("_id", new StringSchema(allowed: Departments.Ids))
            .Required("name", new StringSchema(allowed: Departments.Names))
            .Required("code", new StringSchema(minLength: 3, maxLength: 3, pattern: Patterns.DepartmentCode))
            .Optional("active", new BooleanSchema())
            .Optional("syncPolicy", new StringSchema(allowed: WireNames.SyncPolicies))
            .Optional("syncFrequencyMinutes", new NumberSchema { Minimum = 0, ExclusiveMinimum = true })
            .Required("settings", settings)
            .Required("createdAt", new DateSchema())
            .Required("updatedAt", new DateSchema());
    }

    /// <summary>The rule tree (also the source of the departments <c>$jsonSchema</c>).</summary>
    public ObjectSchema Schema { get; }

    public ValidationResult Validate(BsonDocument department)
    {
        var violations = new List<Violation>();
        Schema.Validate(department, "", violations);
        if (department.TryGetValue("_id", out var id) && id is BsonString ids && Departments.FindById(ids.Value) is { } known)
        {
            if (department.TryGetValue("name", out var name) && name is BsonString ns && ns.Value != known.Name)
            {
                violations.Add(new Violation("name", RuleNames.KnownDepartment, $"department '{known.Id}' is named '{known.Name}'"));
            }
            if (department.TryGetValue("code", out var code) && code is BsonString cs && cs.Value != known.Code)
            {
                violations.Add(new Violation("code", RuleNames.KnownDepartment, $"department '{known.Id}' has code '{known.Code}'"));
            }
        }
        return new ValidationResult(violations);
    }

    /// <summary>The known-triple rule as a <c>$jsonSchema</c> <c>anyOf</c>, so the server enforces it too.</summary>
    internal static BsonDocument KnownTripleJsonSchema()
    {
        var any = new BsonArray();
        foreach (var d in Departments.All)
        {
            any.Add(new BsonDocument("properties", new BsonDocument
            {
                { "_id", new BsonDocument("enum", new BsonArray { d.Id }) },
                { "name", new BsonDocument("enum", new BsonArray { d.Name }) },
                { "code", new BsonDocument("enum", new BsonArray { d.Code }) },
            }));
        }
        return new BsonDocument("anyOf", any);
    }
}
