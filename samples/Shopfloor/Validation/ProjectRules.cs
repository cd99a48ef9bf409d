using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Validation.Schema;

namespace Shopfloor.Validation;

/// <summary>
/// The seed's ProjectSchema (job number, name, client, status, priority, departments, dates, parts with required
/// photo counts, metadata) plus the cross-field rules the seed implied: the job number has a fixed format (its
/// uniqueness is the unique index on <c>jobNumber</c>), end dates do not precede the start, departments and part
/// ids do not repeat.
/// </summary>
public sealed class ProjectRules
{
    public ProjectRules()
    {
        var nonEmpty = new StringSchema(minLength: 1);
        var part = new ObjectSchema()
            .Required("id", nonEmpty)
            .Required("name", nonEmpty)
            .Required("partNumber", nonEmpty)
            .Optional("description", new StringSchema())
            .Optional("requiredPhotos", new NumberSchema { Integer = true, Minimum = 0 })
            .Optional("specifications", new FreeFormSchema());
        var metadata = new ObjectSchema()
            .Optional("estimatedPhotos", new NumberSchema { Integer = true, Minimum = 0, ExclusiveMinimum = true })
            .Optional("actualPhotos", new NumberSchema { Integer = true, Minimum = 0 })
            .Optional("qualityScore", new NumberSchema { Minimum = 0, Maximum = 10 })
            .Optional("notes", new StringSchema());
        Schema = new ObjectSchema { Description = "Shopfloor project (ProjectSchema)" }
            .Required("_id", new ObjectIdSchema())
            .Required("jobNumber", new StringSchema(minLength: 1, maxLength: 40, pattern: Patterns.JobNumber))
            .Required("name", nonEmpty)
            .Required("client", nonEmpty)
            .Required("status", new StringSchema(allowed: WireNames.ProjectStatuses))
            .Optional("priority", new StringSchema(allowed: WireNames.ProjectPriorities))
            .Required("departments", new ArraySchema(new StringSchema(allowed: Departments.Ids)) { UniqueItems = true })
            .Required("startDate", new DateSchema())
            .Required("expectedEndDate", new DateSchema())
            .Optional("actualEndDate", new DateSchema())
            .Required("parts", new ArraySchema(part))
            .Required("metadata", metadata)
            .Required("createdAt", new DateSchema())
            .Required("updatedAt", new DateSchema());
    }

    /// <summary>The rule tree (also the source of the projects <c>$jsonSchema</c>).</summary>
    public ObjectSchema Schema { get; }

    public ValidationResult Validate(BsonDocument project)
    {
        var violations = new List<Violation>();
        Schema.Validate(project, "", violations);
        var start = DateOf(project, "startDate");
        if (start is not null)
        {
            if (DateOf(project, "expectedEndDate") is { } expected && expected < start)
            {
                violations.Add(new Violation("expectedEndDate", RuleNames.DateOrder, "must not be before startDate"));
            }
            if (DateOf(project, "actualEndDate") is { } actual && actual < start)
            {
                violations.Add(new Violation("actualEndDate", RuleNames.DateOrder, "must not be before startDate"));
            }
        }
        if (project.TryGetValue("parts", out var parts) && parts is BsonArray partArray)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < partArray.Count; i++)
            {
                if (partArray[i] is BsonDocument p && p.TryGetValue("id", out var pid) && pid is BsonString s && !seen.Add(s.Value))
                {
                    violations.Add(new Violation($"parts.{i}.id", RuleNames.UniqueIds, $"part id '{s.Value}' repeats"));
                }
            }
        }
        return new ValidationResult(violations);
    }

    private static long? DateOf(BsonDocument doc, string name) =>
        doc.TryGetValue(name, out var v) && v is BsonDateTime d ? d.MillisecondsSinceEpoch : null;

    /// <summary>The cross-field rules as <c>$expr</c> clauses for the server's validator.</summary>
    internal static IEnumerable<BsonDocument> CrossFieldExpressions()
    {
        // Missing dates sort below any date in MongoDB, so a missing expectedEndDate passes here and is reported
        // by $jsonSchema's required instead of twice.
        yield return new BsonDocument("$expr", new BsonDocument("$or", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", "$expectedEndDate"), "missing" }),
            new BsonDocument("$gte", new BsonArray { "$expectedEndDate", "$startDate" }),
        }));
        yield return new BsonDocument("$expr", new BsonDocument("$or", new BsonArray
        {
            new BsonDocument("$eq", new BsonArray { new BsonDocument("$type", "$actualEndDate"), "missing" }),
            new BsonDocument("$gte", new BsonArray { "$actualEndDate", "$startDate" }),
        }));
        yield return new BsonDocument("$expr", new BsonDocument("$or", new BsonArray
        {
            new BsonDocument("$not", new BsonArray { new BsonDocument("$isArray", "$parts") }),
            new BsonDocument("$eq", new BsonArray
            {
                new BsonDocument("$size", new BsonDocument("$setUnion", new BsonArray { "$parts.id", new BsonArray() })),
                new BsonDocument("$size", "$parts"),
            }),
        }));
    }
}
