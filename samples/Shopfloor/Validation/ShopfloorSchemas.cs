using Outpost.Bson;

namespace Shopfloor.Validation;

/// <summary>
/// The collection validators of the three Shopfloor collections, built from the same rule trees the device
/// runs, so bad data enters by no path. Install with <see cref="CreateCommand"/> (or <c>collMod</c> with the
/// same validator) at start-up.
/// </summary>
public sealed class ShopfloorSchemas
{
    public const string Departments = "departments";
    public const string Projects = "projects";
    public const string Photos = "photos";

    public ShopfloorSchemas()
    {
        PhotoRules = new PhotoRules();
        DepartmentRules = new DepartmentRules(PhotoRules);
        ProjectRules = new ProjectRules();
    }

    public PhotoRules PhotoRules { get; }
    public DepartmentRules DepartmentRules { get; }
    public ProjectRules ProjectRules { get; }

    /// <summary><c>{ $jsonSchema: … }</c> for photos.</summary>
    public BsonDocument PhotosValidator() => new("$jsonSchema", PhotoRules.Schema.ToJsonSchema());

    /// <summary><c>{ $jsonSchema: { allOf: [rules, known department triple] } }</c> for departments.</summary>
    public BsonDocument DepartmentsValidator()
    {
        var schema = DepartmentRules.Schema.ToJsonSchema();
        schema.Add("allOf", new BsonArray { DepartmentRules.KnownTripleJsonSchema() });
        return new BsonDocument("$jsonSchema", schema);
    }

    /// <summary><c>{ $and: [ { $jsonSchema }, { $expr date order }, … ] }</c> for projects.</summary>
    public BsonDocument ProjectsValidator()
    {
        var and = new BsonArray { new BsonDocument("$jsonSchema", ProjectRules.Schema.ToJsonSchema()) };
        foreach (var clause in ProjectRules.CrossFieldExpressions())
        {
            and.Add(clause);
        }
        return new BsonDocument("$and", and);
    }

    /// <summary>The validator for one of the three collections.</summary>
    public BsonDocument ValidatorFor(string collection) => collection switch
    {
        Photos => PhotosValidator(),
        Departments => DepartmentsValidator(),
        Projects => ProjectsValidator(),
        _ => throw new ArgumentException($"'{collection}' is not a Shopfloor collection.", nameof(collection)),
    };

    /// <summary>
    /// <c>{ create: collection, validator, validationLevel: "strict", validationAction: "error" }</c>: strict and
    /// error because a warning-only validator would let bad data in by the wire or sync path.
    /// </summary>
    public BsonDocument CreateCommand(string collection) => new()
    {
        { "create", collection },
        { "validator", ValidatorFor(collection) },
        { "validationLevel", "strict" },
        { "validationAction", "error" },
    };
}
