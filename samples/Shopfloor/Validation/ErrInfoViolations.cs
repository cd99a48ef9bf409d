using Outpost;
using Outpost.Bson;

namespace Shopfloor.Validation;

/// <summary>
/// Reads the engine's DocumentValidationFailure (121) <c>errInfo.details</c> — MongoDB's <c>$jsonSchema</c>
/// explanation — back into field-named <see cref="Violation"/>s, so a write validated once, by the collection
/// validator, still answers REST callers with every violated field (decision 025).
/// </summary>
public static class ErrInfoViolations
{
    /// <summary>The violations named by a 121 error, or null when <paramref name="error"/> is not one with errInfo.</summary>
    public static ValidationResult? From(MongoException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (error.Code != ErrorCodes.DocumentValidationFailure)
        {
            return null;
        }
        foreach (var pair in error.Details)
        {
            if (pair.Key == "errInfo" && pair.Value is BsonDocument errInfo)
            {
                return From(errInfo);
            }
        }
        return null;
    }

    /// <summary>The violations named by an <c>errInfo</c> document (<c>{ failingDocumentId, details }</c>).</summary>
    public static ValidationResult From(BsonDocument errInfo)
    {
        ArgumentNullException.ThrowIfNull(errInfo);
        var violations = new List<Violation>();
        if (errInfo.TryGetValue("details", out var details))
        {
            Collect(details, "", violations);
        }
        return new ValidationResult(violations);
    }

    private static void Collect(BsonValue node, string path, List<Violation> violations)
    {
        if (node is BsonArray list)
        {
            foreach (var item in list)
            {
                Collect(item, path, violations);
            }
            return;
        }
        if (node is not BsonDocument rule)
        {
            return;
        }
        var op = rule.TryGetValue("operatorName", out var o) && o is BsonString s ? s.Value : "";
        if (rule.TryGetValue("schemaRulesNotSatisfied", out var rules))
        {
            Collect(rules, path, violations);
        }
        if (rule.TryGetValue("clausesNotSatisfied", out var clauses))
        {
            foreach (var clause in clauses.AsArray)
            {
                Collect(clause.AsDocument.TryGetValue("details", out var d) ? d : BsonNull.Value, path, violations);
            }
        }
        if (rule.TryGetValue("missingProperties", out var missing))
        {
            foreach (var name in missing.AsArray)
            {
                violations.Add(new Violation(Join(path, name.AsString), RuleNames.Required, "is required"));
            }
            return;
        }
        if (rule.TryGetValue("propertiesNotSatisfied", out var properties))
        {
            foreach (var property in properties.AsArray)
            {
                var p = property.AsDocument;
                Collect(p["details"], Join(path, p["propertyName"].AsString), violations);
            }
            return;
        }
        if (op == "additionalProperties" && rule.TryGetValue("additionalProperties", out var extra))
        {
            foreach (var name in extra.AsArray)
            {
                violations.Add(new Violation(Join(path, name.AsString), op, "is not an allowed field"));
            }
            return;
        }
        if (op is "items" or "additionalItems" && rule.TryGetValue("itemIndex", out var index))
        {
            Collect(rule["details"], Join(path, index.ToInt64().ToString(System.Globalization.CultureInfo.InvariantCulture)), violations);
            return;
        }
        if (op is "allOf" or "anyOf" or "oneOf" or "not" || rule.Contains("schemasNotSatisfied"))
        {
            violations.Add(new Violation(path, op, rule.TryGetValue("reason", out var r) ? r.ToString() : "no alternative matched"));
            return;
        }
        if (op.Length > 0 && !op.StartsWith('$') && rule.TryGetValue("reason", out var reason))
        {
            violations.Add(new Violation(path, RuleOf(op, rule), Message(reason, rule)));
        }
    }

    /// <summary>The C# rules' names: an exclusive bound is reported as <c>exclusiveMinimum</c>, as PhotoRules does.</summary>
    private static string RuleOf(string op, BsonDocument rule) =>
        op == "minimum" && rule.TryGetValue("specifiedAs", out var spec) && spec is BsonDocument d && d.TryGetValue("exclusiveMinimum", out var ex) && ex is BsonBoolean { Value: true }
            ? RuleNames.ExclusiveMinimum
            : op;

    private static string Message(BsonValue reason, BsonDocument rule)
    {
        var text = reason is BsonString s ? s.Value : reason.ToString();
        return rule.TryGetValue("specifiedAs", out var spec) ? $"{text} (specified as {Outpost.Bson.Json.BsonJson.ToJson(spec)})" : text;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
