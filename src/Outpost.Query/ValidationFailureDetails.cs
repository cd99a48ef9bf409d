using Outpost.Bson;
using Outpost.Query.JsonSchema;

namespace Outpost.Query;

/// <summary>
/// The <c>errInfo.details</c> of a DocumentValidationFailure (121), as MongoDB 5.0+ shapes it: why a document fails a
/// collection validator. A <c>$jsonSchema</c> clause is explained rule by rule (<see cref="JsonSchemaValidator.Explain"/>);
/// <c>$and</c>/<c>$or</c>/<c>$nor</c> (and a validator of several top-level clauses, an implicit <c>$and</c>) list
/// their failing clauses under <c>clausesNotSatisfied</c>; a field predicate gives its operator, <c>specifiedAs</c>,
/// <c>reason</c> and <c>consideredValue</c>. Computed only after the compiled validator refused a document, so it may
/// recompile the clauses it explains (decision 025).
/// </summary>
public static class ValidationFailureDetails
{
    /// <summary>The details document for <paramref name="document"/> failing <paramref name="validator"/>.</summary>
    public static BsonDocument Explain(BsonDocument validator, BsonDocument document, QueryContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(document);
        context ??= QueryContext.Default;
        if (validator.ElementCount == 1)
        {
            var only = validator.GetElement(0);
            return ExplainClause(only.Name, only.Value, document, context);
        }

        var clauses = new BsonArray();
        var index = 0;
        foreach (var e in validator)
        {
            if (!Matches(new BsonDocument(e.Name, e.Value), document, context))
            {
                clauses.Add(new BsonDocument { { "index", index }, { "details", ExplainClause(e.Name, e.Value, document, context) } });
            }

            index++;
        }

        return new BsonDocument { { "operatorName", "$and" }, { "clausesNotSatisfied", clauses } };
    }

    private static bool Matches(BsonDocument clause, BsonDocument document, QueryContext context) =>
        QueryFilter.Compile(clause, context).Matches(document);

    private static BsonDocument ExplainClause(string name, BsonValue value, BsonDocument document, QueryContext context)
    {
        switch (name)
        {
            case "$jsonSchema":
                return JsonSchemaValidator.Compile(value).Explain(document) ?? new BsonDocument("operatorName", "$jsonSchema");
            case "$and" or "$or" or "$nor" when value is BsonArray list:
                var clauses = new BsonArray();
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not BsonDocument clause)
                    {
                        continue;
                    }

                    // $nor fails on the clauses that match; $and and $or on those that do not.
                    var matched = Matches(clause, document, context);
                    if (name == "$nor" ? matched : !matched)
                    {
                        clauses.Add(new BsonDocument { { "index", i }, { "details", name == "$nor" ? Described(clause) : Explain(clause, document, context) } });
                    }
                }

                return new BsonDocument { { "operatorName", name }, { "clausesNotSatisfied", clauses } };
            case "$expr":
                return new BsonDocument { { "operatorName", "$expr" }, { "specifiedAs", new BsonDocument(name, value) }, { "reason", "expression did not match" } };
            default:
                if (name.StartsWith('$'))
                {
                    return new BsonDocument { { "operatorName", name }, { "specifiedAs", new BsonDocument(name, value) }, { "reason", "expression did not match" } };
                }

                return ExplainField(name, value, document, context);
        }
    }

    /// <summary>A $nor clause that matched: named, as there is no single value that failed.</summary>
    private static BsonDocument Described(BsonDocument clause) =>
        new() { { "operatorName", clause.ElementCount == 1 ? clause.GetElement(0).Name : "$and" }, { "specifiedAs", clause }, { "reason", "expression matched" } };

    private static BsonDocument ExplainField(string path, BsonValue spec, BsonDocument document, QueryContext context)
    {
        var found = TryGetPath(document, path, out var considered);
        if (spec is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
        {
            // The first operator of the field's predicate that fails (MongoDB lists an implicit $and of several).
            var failing = new List<BsonElement>();
            foreach (var op in ops)
            {
                if (op.Name is "$options")
                {
                    continue;
                }

                var single = new BsonDocument(op.Name, op.Value);
                if (op.Name == "$regex" && ops.TryGetValue("$options", out var options))
                {
                    single.Add("$options", options);
                }

                if (!Matches(new BsonDocument(path, single), document, context))
                {
                    failing.Add(new BsonElement(op.Name, single));
                }
            }

            if (failing.Count == 1 || (failing.Count > 1 && ops.ElementCount == 1))
            {
                return Predicate(failing[0].Name, new BsonDocument(path, failing[0].Value), found, considered);
            }

            var clauses = new BsonArray();
            for (var i = 0; i < failing.Count; i++)
            {
                clauses.Add(new BsonDocument { { "index", i }, { "details", Predicate(failing[i].Name, new BsonDocument(path, failing[i].Value), found, considered) } });
            }

            return new BsonDocument { { "operatorName", "$and" }, { "clausesNotSatisfied", clauses } };
        }

        return Predicate("$eq", new BsonDocument(path, spec), found, considered);
    }

    private static BsonDocument Predicate(string op, BsonDocument specifiedAs, bool found, BsonValue? considered)
    {
        var details = new BsonDocument { { "operatorName", op }, { "specifiedAs", specifiedAs } };
        if (op == "$exists")
        {
            details.Add("reason", found ? "field was present" : "field was missing");
            return details;
        }

        if (!found)
        {
            details.Add("reason", "field was missing");
            return details;
        }

        details.Add("reason", op == "$type" ? "type did not match" : "comparison failed");
        details.Add("consideredValue", considered!);
        return details;
    }

    /// <summary>The value at a dotted path through embedded documents (array elements by numeric index).</summary>
    private static bool TryGetPath(BsonDocument document, string path, out BsonValue? value)
    {
        BsonValue current = document;
        foreach (var part in path.Split('.'))
        {
            switch (current)
            {
                case BsonDocument d when d.TryGetValue(part, out var next):
                    current = next;
                    break;
                case BsonArray a when int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i) && i < a.Count:
                    current = a[i];
                    break;
                default:
                    value = null;
                    return false;
            }
        }

        value = current;
        return true;
    }
}
