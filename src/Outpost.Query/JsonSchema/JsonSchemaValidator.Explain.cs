using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.JsonSchema;

/// <summary>
/// Why a document fails the schema, in the shape MongoDB 5.0+ puts in a 121 error's <c>errInfo.details</c>.
/// Only the failure path runs this: it walks the schema document (as the interpreter does), so it costs more than
/// the compiled check, but a write that passes never pays for it (decision 025).
/// </summary>
public sealed partial class JsonSchemaValidator
{
    /// <summary>
    /// <c>{ operatorName: "$jsonSchema", [title], [description], schemaRulesNotSatisfied: [ … ] }</c> naming every
    /// rule the document breaks — each property's failures under <c>properties.propertiesNotSatisfied</c>
    /// (<c>propertyName</c>, <c>details</c>), missing fields under <c>required.missingProperties</c>, and for value
    /// rules <c>specifiedAs</c>, <c>reason</c> and <c>consideredValue</c> — or null when the document is valid.
    /// </summary>
    public BsonDocument? Explain(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var rules = ExplainSchema(_schema, document);
        if (rules.Count == 0)
        {
            return null;
        }

        var details = new BsonDocument("operatorName", "$jsonSchema");
        AddAnnotations(_schema, details);
        details.Add("schemaRulesNotSatisfied", rules);
        return details;
    }

    private static void AddAnnotations(BsonDocument schema, BsonDocument target)
    {
        if (schema.TryGetValue("title", out var title))
        {
            target.Add("title", title);
        }

        if (schema.TryGetValue("description", out var description))
        {
            target.Add("description", description);
        }
    }

    /// <summary>Every rule of <paramref name="schema"/> that <paramref name="value"/> breaks, in the schema's order.</summary>
    private BsonArray ExplainSchema(BsonDocument schema, BsonValue value)
    {
        var failures = new BsonArray();
        foreach (var e in schema)
        {
            if (!Keyword(e.Name, e.Value, schema, value))
            {
                failures.Add(ExplainKeyword(e.Name, e.Value, schema, value));
            }
        }

        return failures;
    }

    private BsonDocument ExplainKeyword(string name, BsonValue arg, BsonDocument schema, BsonValue value)
    {
        var rule = new BsonDocument("operatorName", name);
        switch (name)
        {
            case "bsonType" or "type":
                Specified(rule, name, arg).Add("reason", "type did not match").Add("consideredValue", value).Add("consideredType", Values.TypeName(value));
                break;
            case "enum":
                Specified(rule, name, arg).Add("reason", "value was not found in enum").Add("consideredValue", value);
                break;
            case "minimum" or "maximum":
                Specified(rule, name, arg);
                var exclusive = name == "minimum" ? "exclusiveMinimum" : "exclusiveMaximum";
                if (schema.TryGetValue(exclusive, out var ex))
                {
                    rule["specifiedAs"].AsDocument.Add(exclusive, ex);
                }

                rule.Add("reason", "comparison failed").Add("consideredValue", value);
                break;
            case "multipleOf":
                Specified(rule, name, arg).Add("reason", "considered value is not a multiple of the specified value").Add("consideredValue", value);
                break;
            case "minLength" or "maxLength":
                Specified(rule, name, arg).Add("reason", "specified string length was not satisfied").Add("consideredValue", value);
                break;
            case "pattern":
                Specified(rule, name, arg).Add("reason", "regular expression did not match").Add("consideredValue", value);
                break;
            case "minItems" or "maxItems":
                Specified(rule, name, arg).Add("reason", "array did not match specified length").Add("consideredValue", value);
                break;
            case "uniqueItems":
                Specified(rule, name, arg).Add("reason", "found a duplicate item").Add("consideredValue", value).Add("duplicatedValue", FirstDuplicate(value.AsArray));
                break;
            case "minProperties" or "maxProperties":
                Specified(rule, name, arg).Add("reason", "specified number of properties was not satisfied").Add("numberOfProperties", value.AsDocument.ElementCount);
                break;
            case "required":
                var missing = new BsonArray();
                foreach (var r in arg.AsArray)
                {
                    if (!value.AsDocument.Contains(r.AsString))
                    {
                        missing.Add(r);
                    }
                }

                Specified(rule, name, arg).Add("missingProperties", missing);
                break;
            case "properties":
                var properties = new BsonArray();
                foreach (var p in arg.AsDocument)
                {
                    if (value.AsDocument.TryGetValue(p.Name, out var pv) && ExplainSchema(p.Value.AsDocument, pv) is { Count: > 0 } inner)
                    {
                        var property = new BsonDocument("propertyName", p.Name);
                        AddAnnotations(p.Value.AsDocument, property);
                        property.Add("details", inner);
                        properties.Add(property);
                    }
                }

                rule.Add("propertiesNotSatisfied", properties);
                break;
            case "patternProperties":
                var matched = new BsonArray();
                foreach (var p in arg.AsDocument)
                {
                    var rx = GetRegex(p.Name);
                    foreach (var f in value.AsDocument)
                    {
                        if (rx.IsMatch(f.Name) && ExplainSchema(p.Value.AsDocument, f.Value) is { Count: > 0 } inner)
                        {
                            matched.Add(new BsonDocument { { "propertyName", f.Name }, { "regexMatched", p.Name }, { "details", inner } });
                        }
                    }
                }

                rule.Add("details", matched);
                break;
            case "additionalProperties":
                ExplainAdditionalProperties(rule, arg, schema, value.AsDocument);
                break;
            case "items":
                ExplainItems(rule, arg, schema, value.AsArray);
                break;
            case "allOf" or "anyOf" or "oneOf":
                ExplainCombination(rule, name, arg.AsArray, value);
                break;
            case "not":
                rule.Add("reason", "child expression matched").Add("childSchema", arg);
                break;
            default:
                Specified(rule, name, arg).Add("reason", "expression did not match").Add("consideredValue", value);
                break;
        }

        return rule;
    }

    private static BsonDocument Specified(BsonDocument rule, string name, BsonValue arg) => rule.Add("specifiedAs", new BsonDocument(name, arg));

    private void ExplainAdditionalProperties(BsonDocument rule, BsonValue arg, BsonDocument schema, BsonDocument document)
    {
        var known = schema.TryGetValue("properties", out var pr) ? pr.AsDocument : new BsonDocument();
        var patterns = schema.TryGetValue("patternProperties", out var pp) ? pp.AsDocument : new BsonDocument();
        var extra = new BsonArray();
        var failing = new BsonArray();
        foreach (var f in document)
        {
            if (known.Contains(f.Name) || IsPatternProperty(patterns, f.Name))
            {
                continue;
            }

            if (arg is BsonBoolean)
            {
                extra.Add(f.Name);
            }
            else if (ExplainSchema(arg.AsDocument, f.Value) is { Count: > 0 } inner)
            {
                failing.Add(new BsonDocument { { "propertyName", f.Name }, { "details", inner } });
            }
        }

        if (arg is BsonBoolean)
        {
            Specified(rule, "additionalProperties", arg).Add("additionalProperties", extra);
        }
        else
        {
            rule.Add("reason", "at least one additional property did not match the subschema").Add("details", failing);
        }
    }

    private bool IsPatternProperty(BsonDocument patterns, string name)
    {
        foreach (var p in patterns)
        {
            if (GetRegex(p.Name).IsMatch(name))
            {
                return true;
            }
        }

        return false;
    }

    private void ExplainItems(BsonDocument rule, BsonValue arg, BsonDocument schema, BsonArray items)
    {
        if (arg is BsonDocument itemSchema)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (ExplainSchema(itemSchema, items[i]) is { Count: > 0 } inner)
                {
                    rule.Add("reason", "At least one item did not match the sub-schema").Add("itemIndex", i).Add("details", inner);
                    return;
                }
            }

            return;
        }

        var list = arg.AsArray;
        for (var i = 0; i < Math.Min(list.Count, items.Count); i++)
        {
            if (ExplainSchema(list[i].AsDocument, items[i]) is { Count: > 0 } inner)
            {
                rule.Add("reason", "At least one item did not match the sub-schema").Add("itemIndex", i).Add("details", inner);
                return;
            }
        }

        // Only additionalItems is left to fail (the tuple's own items all matched).
        if (schema.TryGetValue("additionalItems", out var ai) && ai is BsonBoolean { Value: false })
        {
            rule.Set("operatorName", "additionalItems");
            rule.Add("specifiedAs", new BsonDocument("additionalItems", ai)).Add("reason", "found additional items");
            var additional = new BsonArray();
            for (var i = list.Count; i < items.Count; i++)
            {
                additional.Add(items[i]);
            }

            rule.Add("additionalItems", additional);
            return;
        }

        for (var i = list.Count; i < items.Count; i++)
        {
            if (ExplainSchema(ai!.AsDocument, items[i]) is { Count: > 0 } inner)
            {
                rule.Set("operatorName", "additionalItems");
                rule.Add("reason", "At least one item did not match the sub-schema").Add("itemIndex", i).Add("details", inner);
                return;
            }
        }
    }

    private void ExplainCombination(BsonDocument rule, string name, BsonArray schemas, BsonValue value)
    {
        var failed = new BsonArray();
        var matching = new BsonArray();
        for (var i = 0; i < schemas.Count; i++)
        {
            if (ExplainSchema(schemas[i].AsDocument, value) is { Count: > 0 } inner)
            {
                failed.Add(new BsonDocument { { "index", i }, { "details", inner } });
            }
            else
            {
                matching.Add(i);
            }
        }

        if (name == "oneOf" && matching.Count > 1)
        {
            rule.Add("reason", "more than one subschema matched").Add("matchingSchemaIndexes", matching);
            return;
        }

        rule.Add("schemasNotSatisfied", failed);
    }

    private static BsonValue FirstDuplicate(BsonArray items)
    {
        var seen = new HashSet<BsonValue>(BsonComparer.Instance);
        foreach (var item in items)
        {
            if (!seen.Add(item))
            {
                return item;
            }
        }

        return BsonNull.Value;
    }
}
