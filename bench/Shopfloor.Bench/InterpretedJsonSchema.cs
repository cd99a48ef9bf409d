using System.Text.RegularExpressions;
using Outpost.Bson;
using Outpost;

namespace Shopfloor.Bench;

/// <summary>
/// The interpreted $jsonSchema validator as it was before decision 021 (main 33ed1a9), kept verbatim as the same-run
/// baseline for the compiled one (<c>--split</c>); only its regex construction is inlined (RegexMatcher is internal).
/// $jsonSchema (MongoDB's draft-4 subset): bsonType, type, required, properties, additionalProperties, enum,
/// minimum/maximum with exclusive*, minLength/maxLength, pattern, items, minItems/maxItems, uniqueItems,
/// minProperties/maxProperties, allOf/anyOf/oneOf/not, description/title.
/// Keywords apply only to values of their type, as JSON Schema says ("minimum" ignores strings).
/// </summary>
internal sealed class InterpretedJsonSchema
{
    private static readonly Dictionary<string, BsonType[]> BsonTypes = new()
    {
        ["double"] = [BsonType.Double], ["string"] = [BsonType.String], ["object"] = [BsonType.Document], ["array"] = [BsonType.Array],
        ["binData"] = [BsonType.Binary], ["undefined"] = [BsonType.Undefined], ["objectId"] = [BsonType.ObjectId], ["bool"] = [BsonType.Boolean],
        ["date"] = [BsonType.DateTime], ["null"] = [BsonType.Null], ["regex"] = [BsonType.RegularExpression], ["dbPointer"] = [BsonType.DBPointer],
        ["javascript"] = [BsonType.JavaScript], ["symbol"] = [BsonType.Symbol], ["javascriptWithScope"] = [BsonType.JavaScriptWithScope],
        ["int"] = [BsonType.Int32], ["timestamp"] = [BsonType.Timestamp], ["long"] = [BsonType.Int64], ["decimal"] = [BsonType.Decimal128],
        ["minKey"] = [BsonType.MinKey], ["maxKey"] = [BsonType.MaxKey],
        ["number"] = [BsonType.Int32, BsonType.Int64, BsonType.Double, BsonType.Decimal128],
    };

    private static readonly Dictionary<string, BsonType[]> JsonTypes = new()
    {
        ["object"] = [BsonType.Document], ["array"] = [BsonType.Array], ["string"] = [BsonType.String], ["boolean"] = [BsonType.Boolean],
        ["null"] = [BsonType.Null], ["number"] = [BsonType.Int32, BsonType.Int64, BsonType.Double, BsonType.Decimal128],
    };

    private readonly BsonDocument _schema;
    private readonly Dictionary<string, Regex> _patterns = [];

    private InterpretedJsonSchema(BsonDocument schema) => _schema = schema;

    /// <summary>Checks the schema's keywords up front (MongoDB rejects unknown keywords and "integer" as type).</summary>
    public static InterpretedJsonSchema Compile(BsonValue schema)
    {
        if (schema is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.TypeMismatch, "$jsonSchema must be an object");
        }

        var v = new InterpretedJsonSchema(d);
        v.Check(d);
        return v;
    }

    /// <summary>Whether the document satisfies the schema.</summary>
    public bool IsValid(BsonDocument document) => Validate(_schema, document);

    private void Check(BsonDocument schema)
    {
        foreach (var e in schema)
        {
            switch (e.Name)
            {
                case "bsonType":
                case "type":
                    var map = e.Name == "type" ? JsonTypes : BsonTypes;
                    foreach (var t in e.Value is BsonArray a ? a : new BsonArray { e.Value })
                    {
                        if (t is not BsonString s || !map.ContainsKey(s.Value))
                        {
                            throw new MongoException(ErrorCodes.BadValue, $"Unknown type name alias: {t}");
                        }
                    }

                    break;
                case "properties" or "patternProperties":
                    foreach (var p in e.Value.AsDocument)
                    {
                        Check(p.Value as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, $"Nested schema for $jsonSchema property '{p.Name}' must be an object"));
                    }

                    break;
                case "items" when e.Value is BsonDocument items:
                    Check(items);
                    break;
                case "additionalProperties" when e.Value is BsonDocument ap:
                    Check(ap);
                    break;
                case "allOf" or "anyOf" or "oneOf":
                    foreach (var s in e.Value.AsArray)
                    {
                        Check(s.AsDocument);
                    }

                    break;
                case "not":
                    Check(e.Value.AsDocument);
                    break;
                case "pattern":
                    GetRegex(e.Value.AsString);
                    break;
                case "items" or "additionalProperties" or "required" or "enum" or "minimum" or "maximum" or "exclusiveMinimum" or "exclusiveMaximum"
                    or "minLength" or "maxLength" or "minItems" or "maxItems" or "uniqueItems" or "minProperties" or "maxProperties"
                    or "description" or "title" or "additionalItems" or "dependencies" or "multipleOf":
                    break;
                default:
                    throw new MongoException(ErrorCodes.FailedToParse, $"Unknown $jsonSchema keyword: {e.Name}");
            }
        }
    }

    private Regex GetRegex(string pattern)
    {
        if (!_patterns.TryGetValue(pattern, out var r))
        {
            r = new Regex(pattern, RegexOptions.CultureInvariant);
            _patterns[pattern] = r;
        }

        return r;
    }

    private bool Validate(BsonDocument schema, BsonValue value)
    {
        foreach (var e in schema)
        {
            if (!Keyword(e.Name, e.Value, schema, value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsType(BsonValue value, BsonValue spec, Dictionary<string, BsonType[]> map)
    {
        foreach (var t in spec is BsonArray a ? a : new BsonArray { spec })
        {
            if (Array.IndexOf(map[t.AsString], value.Type) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private bool Keyword(string name, BsonValue arg, BsonDocument schema, BsonValue value)
    {
        switch (name)
        {
            case "bsonType":
                return IsType(value, arg, BsonTypes);
            case "type":
                return IsType(value, arg, JsonTypes);
            case "enum":
                return arg.AsArray.Any(x => x.Equals(value));
            case "minimum" when value.IsNumeric:
                int cmin = value.CompareTo(arg);
                return schema.TryGetValue("exclusiveMinimum", out var exMin) && exMin is BsonBoolean { Value: true } ? cmin > 0 : cmin >= 0;
            case "maximum" when value.IsNumeric:
                int cmax = value.CompareTo(arg);
                return schema.TryGetValue("exclusiveMaximum", out var exMax) && exMax is BsonBoolean { Value: true } ? cmax < 0 : cmax <= 0;
            case "multipleOf" when value.IsNumeric:
                return Math.Abs(Math.IEEERemainder(value.ToDouble(), arg.ToDouble())) < 1e-12;
            case "minLength" when value is BsonString s:
                return CodePoints(s.Value) >= arg.ToInt64();
            case "maxLength" when value is BsonString s:
                return CodePoints(s.Value) <= arg.ToInt64();
            case "pattern" when value is BsonString s:
                return GetRegex(arg.AsString).IsMatch(s.Value);
            case "minItems" when value is BsonArray a:
                return a.Count >= arg.ToInt64();
            case "maxItems" when value is BsonArray a:
                return a.Count <= arg.ToInt64();
            case "uniqueItems" when value is BsonArray a && arg is BsonBoolean { Value: true }:
                return new HashSet<BsonValue>(a, BsonComparer.Instance).Count == a.Count;
            case "items" when value is BsonArray a:
                if (arg is BsonDocument itemSchema)
                {
                    return a.All(x => Validate(itemSchema, x));
                }

                var list = arg.AsArray;
                for (int i = 0; i < Math.Min(list.Count, a.Count); i++)
                {
                    if (!Validate(list[i].AsDocument, a[i]))
                    {
                        return false;
                    }
                }

                if (a.Count > list.Count && schema.TryGetValue("additionalItems", out var ai))
                {
                    return ai is BsonBoolean ab ? ab.Value : a.Skip(list.Count).All(x => Validate(ai.AsDocument, x));
                }

                return true;
            case "required" when value is BsonDocument d:
                return arg.AsArray.All(r => d.Contains(r.AsString));
            case "minProperties" when value is BsonDocument d:
                return d.ElementCount >= arg.ToInt64();
            case "maxProperties" when value is BsonDocument d:
                return d.ElementCount <= arg.ToInt64();
            case "properties" when value is BsonDocument d:
                foreach (var p in arg.AsDocument)
                {
                    if (d.TryGetValue(p.Name, out var pv) && !Validate(p.Value.AsDocument, pv))
                    {
                        return false;
                    }
                }

                return true;
            case "patternProperties" when value is BsonDocument d:
                foreach (var p in arg.AsDocument)
                {
                    var rx = GetRegex(p.Name);
                    foreach (var f in d)
                    {
                        if (rx.IsMatch(f.Name) && !Validate(p.Value.AsDocument, f.Value))
                        {
                            return false;
                        }
                    }
                }

                return true;
            case "additionalProperties" when value is BsonDocument d:
                var props = schema.TryGetValue("properties", out var pr) ? pr.AsDocument : new BsonDocument();
                var patterns = schema.TryGetValue("patternProperties", out var pp) ? pp.AsDocument.Names.Select(GetRegex).ToArray() : [];
                foreach (var f in d)
                {
                    if (props.Contains(f.Name) || patterns.Any(r => r.IsMatch(f.Name)))
                    {
                        continue;
                    }

                    if (arg is BsonBoolean b ? !b.Value : !Validate(arg.AsDocument, f.Value))
                    {
                        return false;
                    }
                }

                return true;
            case "allOf":
                return arg.AsArray.All(s => Validate(s.AsDocument, value));
            case "anyOf":
                return arg.AsArray.Any(s => Validate(s.AsDocument, value));
            case "oneOf":
                return arg.AsArray.Count(s => Validate(s.AsDocument, value)) == 1;
            case "not":
                return !Validate(arg.AsDocument, value);
            default:
                return true;
        }
    }

    private static int CodePoints(string s)
    {
        int n = 0;
        for (int i = 0; i < s.Length; i++)
        {
            if (!char.IsLowSurrogate(s[i]))
            {
                n++;
            }
        }

        return n;
    }
}
