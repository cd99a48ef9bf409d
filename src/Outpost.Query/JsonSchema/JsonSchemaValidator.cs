using System.Text.RegularExpressions;
using Outpost.Bson;
using Outpost.Query.Filters;

namespace Outpost.Query.JsonSchema;

/// <summary>
/// $jsonSchema (MongoDB's draft-4 subset): bsonType, type, required, properties, additionalProperties, enum,
/// minimum/maximum with exclusive*, minLength/maxLength, pattern, items, minItems/maxItems, uniqueItems,
/// minProperties/maxProperties, allOf/anyOf/oneOf/not, description/title.
/// Keywords apply only to values of their type, as JSON Schema says ("minimum" ignores strings).
/// </summary>
public sealed partial class JsonSchemaValidator
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

    private readonly Dictionary<string, Regex> _patterns = [];
    private SchemaNode _root = null!;
    private BsonDocument _schema = null!;

    private JsonSchemaValidator()
    {
    }

    /// <summary>Checks the schema's keywords up front (MongoDB rejects unknown keywords and "integer" as type).</summary>
    public static JsonSchemaValidator Compile(BsonValue schema)
    {
        if (schema is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.TypeMismatch, "$jsonSchema must be an object");
        }

        var v = new JsonSchemaValidator();
        v.Check(d);
        v._schema = d;
        v._root = v.Build(d);
        return v;
    }

    /// <summary>
    /// The same schema run by the keyword interpreter alone (each value walks the schema document, as before decision
    /// 021): the compiled validator's reference in differential tests and its same-run baseline in
    /// bench/Shopfloor.Bench <c>--split</c>. Builds regexes lazily, so use it from one thread.
    /// </summary>
    public static JsonSchemaValidator CompileInterpreted(BsonValue schema)
    {
        if (schema is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.TypeMismatch, "$jsonSchema must be an object");
        }

        var v = new JsonSchemaValidator();
        v.Check(d);
        v._schema = d;
        v._root = new SchemaNode([new InterpretedSchema(v, d)]);
        return v;
    }

    /// <summary>Whether the document satisfies the schema.</summary>
    public bool IsValid(BsonDocument document) => _root.IsValid(document);

    /// <summary>
    /// Compiles a (checked) schema into a node of keyword checks, in the schema's order. A collection validator runs on
    /// every insert and update, so walking the schema document per value — a string switch per keyword, LINQ, a regex
    /// lookup, an array allocated per type test — cost more than the checks themselves (10–25 µs per photo). The
    /// common argument shapes get a dedicated check; any other shape keeps the interpreter's exact behaviour (and its
    /// exceptions) through <see cref="InterpretedCheck"/>.
    /// </summary>
    private SchemaNode Build(BsonDocument schema)
    {
        var checks = new List<SchemaCheck>(schema.ElementCount);
        foreach (var e in schema)
        {
            if (BuildCheck(e.Name, e.Value, schema) is { } check)
            {
                checks.Add(check);
            }
        }

        return new SchemaNode([.. checks]);
    }

    private SchemaCheck? BuildCheck(string name, BsonValue arg, BsonDocument schema)
    {
        switch (name)
        {
            case "bsonType":
            case "type":
                return new TypeCheck(TypeMask(arg, name == "type" ? JsonTypes : BsonTypes));
            case "enum" when arg is BsonArray values:
                return new EnumCheck([.. values]);
            case "minimum":
                return new BoundCheck(arg, lower: true, schema.TryGetValue("exclusiveMinimum", out var exMin) && exMin is BsonBoolean { Value: true });
            case "maximum":
                return new BoundCheck(arg, lower: false, schema.TryGetValue("exclusiveMaximum", out var exMax) && exMax is BsonBoolean { Value: true });
            case "minLength" when arg.IsNumeric:
                return new LengthCheck(arg.ToInt64(), lower: true);
            case "maxLength" when arg.IsNumeric:
                return new LengthCheck(arg.ToInt64(), lower: false);
            case "pattern":
                return new PatternCheck(GetRegex(arg.AsString));
            case "required" when arg is BsonArray names && names.All(n => n is BsonString):
                return new RequiredCheck([.. names.Select(n => n.AsString)]);
            case "properties" when arg is BsonDocument properties:
                return new PropertiesCheck([.. properties.Select(p => (p.Name, Build(p.Value.AsDocument)))]);
            case "patternProperties" when arg is BsonDocument patternProperties:
                // Compiled here also so the regexes are all built before the validator is shared between threads.
                return new PatternPropertiesCheck([.. patternProperties.Select(p => (GetRegex(p.Name), Build(p.Value.AsDocument)))]);
            case "items" when arg is BsonDocument itemSchema:
                return new ItemsCheck(Build(itemSchema));
            case "additionalProperties" when arg is BsonBoolean or BsonDocument:
                var known = schema.TryGetValue("properties", out var pr) ? pr.AsDocument.Names.ToHashSet(StringComparer.Ordinal) : [];
                var patterns = schema.TryGetValue("patternProperties", out var pp) ? pp.AsDocument.Names.Select(GetRegex).ToArray() : [];
                return new AdditionalPropertiesCheck(known, patterns, arg is BsonBoolean b ? b.Value : null, arg is BsonDocument extra ? Build(extra) : null);
            case "allOf" or "anyOf" or "oneOf" when arg is BsonArray list && list.All(x => x is BsonDocument):
                return new CombinationCheck(name, [.. list.Select(x => Build(x.AsDocument))]);
            case "not" when arg is BsonDocument negated:
                return new NotCheck(Build(negated));
            case "description" or "title" or "exclusiveMinimum" or "exclusiveMaximum" or "additionalItems" or "dependencies":
                // Annotations, and modifiers read by their keyword's check (additionalItems by an items list).
                return null;
            default:
                return new InterpretedCheck(this, name, arg, schema);
        }
    }

    private static ulong TypeMask(BsonValue spec, Dictionary<string, BsonType[]> map)
    {
        ulong mask = 0;
        foreach (var t in spec is BsonArray a ? a : new BsonArray { spec })
        {
            foreach (var type in map[t.AsString])
            {
                mask |= 1UL << TypeBit(type);
            }
        }

        return mask;
    }

    /// <summary>A bit per BSON type: MinKey and MaxKey first, then the type byte + 1 (the bytes run to 0x13).</summary>
    private static int TypeBit(BsonType type) => type switch
    {
        BsonType.MinKey => 0,
        BsonType.MaxKey => 1,
        _ => (int)type + 1,
    };

    private abstract class SchemaCheck
    {
        public abstract bool IsValid(BsonValue value);
    }

    private sealed class SchemaNode(SchemaCheck[] checks)
    {
        public bool IsValid(BsonValue value)
        {
            foreach (var check in checks)
            {
                if (!check.IsValid(value))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class TypeCheck(ulong mask) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) => (mask & (1UL << TypeBit(value.Type))) != 0;
    }

    private sealed class EnumCheck(BsonValue[] values) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            foreach (var x in values)
            {
                if (x.Equals(value))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class BoundCheck(BsonValue bound, bool lower, bool exclusive) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (!value.IsNumeric)
            {
                return true;
            }

            var c = value.CompareTo(bound);
            return lower ? (exclusive ? c > 0 : c >= 0) : (exclusive ? c < 0 : c <= 0);
        }
    }

    private sealed class LengthCheck(long limit, bool lower) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) =>
            value is not BsonString s || (lower ? CodePoints(s.Value) >= limit : CodePoints(s.Value) <= limit);
    }

    private sealed class PatternCheck(Regex regex) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) => value is not BsonString s || regex.IsMatch(s.Value);
    }

    private sealed class RequiredCheck(string[] names) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (value is not BsonDocument d)
            {
                return true;
            }

            foreach (var name in names)
            {
                if (!d.Contains(name))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class PropertiesCheck((string Name, SchemaNode Node)[] properties) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (value is not BsonDocument d)
            {
                return true;
            }

            foreach (var (name, node) in properties)
            {
                if (d.TryGetValue(name, out var pv) && !node.IsValid(pv))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class PatternPropertiesCheck((Regex Pattern, SchemaNode Node)[] properties) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (value is not BsonDocument d)
            {
                return true;
            }

            foreach (var (pattern, node) in properties)
            {
                foreach (var f in d)
                {
                    if (pattern.IsMatch(f.Name) && !node.IsValid(f.Value))
                    {
                        return false;
                    }
                }
            }

            return true;
        }
    }

    private sealed class ItemsCheck(SchemaNode items) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (value is not BsonArray a)
            {
                return true;
            }

            foreach (var item in a)
            {
                if (!items.IsValid(item))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed class AdditionalPropertiesCheck(HashSet<string> known, Regex[] patterns, bool? allowed, SchemaNode? extra) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            if (value is not BsonDocument d)
            {
                return true;
            }

            foreach (var f in d)
            {
                if (known.Contains(f.Name) || MatchesAny(f.Name))
                {
                    continue;
                }

                if (allowed is { } ok ? !ok : !extra!.IsValid(f.Value))
                {
                    return false;
                }
            }

            return true;
        }

        private bool MatchesAny(string name)
        {
            foreach (var r in patterns)
            {
                if (r.IsMatch(name))
                {
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class CombinationCheck(string kind, SchemaNode[] nodes) : SchemaCheck
    {
        public override bool IsValid(BsonValue value)
        {
            var passed = 0;
            foreach (var node in nodes)
            {
                if (node.IsValid(value))
                {
                    if (kind == "anyOf")
                    {
                        return true;
                    }

                    passed++;
                }
                else if (kind == "allOf")
                {
                    return false;
                }
            }

            return kind switch
            {
                "allOf" => true,
                "anyOf" => false,
                _ => passed == 1,
            };
        }
    }

    private sealed class NotCheck(SchemaNode negated) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) => !negated.IsValid(value);
    }

    /// <summary>A whole schema evaluated by the interpreter (<see cref="CompileInterpreted"/>).</summary>
    private sealed class InterpretedSchema(JsonSchemaValidator owner, BsonDocument schema) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) => owner.Validate(schema, value);
    }

    /// <summary>A keyword in a shape the compiled checks do not take: evaluated as the interpreter always did.</summary>
    private sealed class InterpretedCheck(JsonSchemaValidator owner, string name, BsonValue arg, BsonDocument schema) : SchemaCheck
    {
        public override bool IsValid(BsonValue value) => owner.Keyword(name, arg, schema, value);
    }

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
            r = RegexMatcher.Build(pattern, "");
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
