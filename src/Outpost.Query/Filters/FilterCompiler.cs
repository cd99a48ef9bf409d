using Outpost.Bson;
using Outpost.Query.Geo;
using Outpost.Query.JsonSchema;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>Turns a filter document into a tree of <see cref="MatchNode"/>s, raising MongoDB's parse errors.</summary>
internal sealed class FilterCompiler(QueryContext context)
{
    private static readonly Dictionary<string, BsonType> TypeAliases = new()
    {
        ["double"] = BsonType.Double, ["string"] = BsonType.String, ["object"] = BsonType.Document, ["array"] = BsonType.Array,
        ["binData"] = BsonType.Binary, ["undefined"] = BsonType.Undefined, ["objectId"] = BsonType.ObjectId, ["bool"] = BsonType.Boolean,
        ["date"] = BsonType.DateTime, ["null"] = BsonType.Null, ["regex"] = BsonType.RegularExpression, ["dbPointer"] = BsonType.DBPointer,
        ["javascript"] = BsonType.JavaScript, ["symbol"] = BsonType.Symbol, ["javascriptWithScope"] = BsonType.JavaScriptWithScope,
        ["int"] = BsonType.Int32, ["timestamp"] = BsonType.Timestamp, ["long"] = BsonType.Int64, ["decimal"] = BsonType.Decimal128,
        ["minKey"] = BsonType.MinKey, ["maxKey"] = BsonType.MaxKey,
    };

    private readonly IComparer<BsonValue> _comparer = ValueMatching.ComparerFor(context);
    private readonly Dictionary<string, PathPredicateAnalysis> _analysis = [];
    private bool _conjunction = true;
    private bool _hasOr;
    private int _depth;

    public TextQuery? Text { get; private set; }
    public NearQuery? Near { get; private set; }

    public FilterAnalysis BuildAnalysis() => new(_analysis, _conjunction, Text, Near, _hasOr);

    public MatchNode CompileDocument(BsonDocument filter, bool topLevel)
    {
        if (++_depth > 100)
        {
            throw new MongoException(ErrorCodes.BadValue, "exceeded maximum query tree depth of 100");
        }

        var nodes = new List<MatchNode>(filter.ElementCount);
        foreach (var e in filter)
        {
            var node = CompileElement(e, topLevel);
            if (node is not null)
            {
                nodes.Add(node);
            }
        }

        _depth--;
        return nodes.Count == 1 ? nodes[0] : new AndNode([.. nodes]);
    }

    private MatchNode? CompileElement(BsonElement e, bool topLevel)
    {
        if (e.Name.StartsWith('$'))
        {
            return CompileTopLevelOperator(e, topLevel);
        }

        if (e.Name.Length == 0)
        {
            // MongoDB accepts an empty field name as a path that never exists; keep it as such.
        }

        var path = new FieldPath(e.Name);
        if (e.Value is BsonDocument ops && ops.ElementCount > 0 && ops.GetElement(0).Name.StartsWith('$'))
        {
            return CompileOperators(path, ops, topLevel);
        }

        if (e.Value is BsonRegularExpression rx)
        {
            Analyze(topLevel, path.Dotted, a => a.Regex = rx);
            return new RegexMatcher(path, rx);
        }

        Analyze(topLevel, path.Dotted, a => a.Equality = e.Value);
        return new ComparisonMatcher(path, ComparisonOperator.Eq, e.Value, _comparer);
    }

    private MatchNode? CompileTopLevelOperator(BsonElement e, bool topLevel)
    {
        switch (e.Name)
        {
            case "$and":
            case "$or":
            case "$nor":
            {
                if (e.Value is not BsonArray list || list.Count == 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{e.Name} must be a nonempty array");
                }

                bool childTop = topLevel && e.Name == "$and";
                if (e.Name != "$and" && topLevel)
                {
                    _conjunction = false;
                    _hasOr |= e.Name == "$or";
                }

                var children = new MatchNode[list.Count];
                for (int i = 0; i < list.Count; i++)
                {
                    if (list[i] is not BsonDocument child)
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"{e.Name} argument's entries must be objects");
                    }

                    children[i] = CompileDocument(child, childTop);
                }

                return e.Name switch
                {
                    "$and" => new AndNode(children),
                    "$or" => children.Length == 1 ? children[0] : new OrNode(children),
                    _ => new NorNode(children),
                };
            }

            case "$expr":
                if (topLevel)
                {
                    _conjunction = false;
                }

                return new ExprNode(AggregationExpression.Compile(e.Value, context), context);
            case "$jsonSchema":
                if (topLevel)
                {
                    _conjunction = false;
                }

                return new JsonSchemaNode(JsonSchemaValidator.Compile(e.Value));
            case "$where":
                throw new MongoException(ErrorCodes.BadValue, "$where is not allowed in this context: server-side JavaScript is not supported by Outpost");
            case "$comment":
                return null;
            case "$alwaysTrue":
                return new ConstantNode(true);
            case "$alwaysFalse":
                return new ConstantNode(false);
            case "$text":
                if (!topLevel && _depth > 1)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$text is not allowed in this context");
                }

                if (Text is not null)
                {
                    throw new MongoException(ErrorCodes.BadValue, "Too many text expressions");
                }

                Text = ParseText(e.Value);
                return new ConstantNode(true);
            default:
                throw new MongoException(ErrorCodes.BadValue,
                    $"unknown top level operator: {e.Name}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.");
        }
    }

    private static TextQuery ParseText(BsonValue spec)
    {
        if (spec is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.BadValue, "$text expects an object");
        }

        string? search = null, language = null;
        bool cs = false, ds = false;
        foreach (var e in d)
        {
            switch (e.Name)
            {
                case "$search":
                    search = e.Value is BsonString s ? s.Value : throw new MongoException(ErrorCodes.TypeMismatch, "$search requires a string value");
                    break;
                case "$language":
                    language = e.Value is BsonString l ? l.Value : throw new MongoException(ErrorCodes.TypeMismatch, "$language requires a string value");
                    break;
                case "$caseSensitive":
                    cs = e.Value is BsonBoolean b ? b.Value : throw new MongoException(ErrorCodes.TypeMismatch, "$caseSensitive requires a boolean value");
                    break;
                case "$diacriticSensitive":
                    ds = e.Value is BsonBoolean db ? db.Value : throw new MongoException(ErrorCodes.TypeMismatch, "$diacriticSensitive requires a boolean value");
                    break;
                default:
                    throw new MongoException(ErrorCodes.BadValue, $"Unexpected field '{e.Name}' in $text expression");
            }
        }

        return new TextQuery
        {
            Search = search ?? throw new MongoException(ErrorCodes.FailedToParse, "$search is required in a $text expression"),
            Language = language,
            CaseSensitive = cs,
            DiacriticSensitive = ds,
        };
    }

    private MatchNode CompileOperators(FieldPath path, BsonDocument ops, bool topLevel)
    {
        var nodes = new List<MatchNode>(ops.ElementCount);
        foreach (var e in ops)
        {
            var node = CompileOperator(path, e, ops, topLevel);
            if (node is not null)
            {
                nodes.Add(node);
            }
        }

        return nodes.Count == 1 ? nodes[0] : new AndNode([.. nodes]);
    }

    private MatchNode? CompileOperator(FieldPath path, BsonElement e, BsonDocument ops, bool topLevel)
    {
        var v = e.Value;
        switch (e.Name)
        {
            case "$eq":
                Analyze(topLevel, path.Dotted, a => a.Equality = v);
                return new ComparisonMatcher(path, ComparisonOperator.Eq, v, _comparer);
            case "$ne":
                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                return new NorNode([new ComparisonMatcher(path, ComparisonOperator.Eq, v, _comparer)]);
            case "$gt" or "$gte":
                Analyze(topLevel, path.Dotted, a => { a.LowerBound = v; a.LowerInclusive = e.Name == "$gte"; });
                return new ComparisonMatcher(path, e.Name == "$gt" ? ComparisonOperator.Gt : ComparisonOperator.Gte, v, _comparer);
            case "$lt" or "$lte":
                Analyze(topLevel, path.Dotted, a => { a.UpperBound = v; a.UpperInclusive = e.Name == "$lte"; });
                return new ComparisonMatcher(path, e.Name == "$lt" ? ComparisonOperator.Lt : ComparisonOperator.Lte, v, _comparer);
            case "$in":
            case "$nin":
            {
                if (v is not BsonArray list)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{e.Name} needs an array");
                }

                foreach (var item in list)
                {
                    if (item is BsonDocument d && d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$'))
                    {
                        throw new MongoException(ErrorCodes.BadValue, "cannot nest $ under $in");
                    }
                }

                var inNode = new InMatcher(path, list, _comparer);
                if (e.Name == "$in")
                {
                    Analyze(topLevel, path.Dotted, a => a.In = list.ToArray());
                    return inNode;
                }

                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                return new NorNode([inNode]);
            }

            case "$exists":
            {
                bool want = ExprNode.IsTruthy(v);
                Analyze(topLevel, path.Dotted, a => a.Exists = want);
                var node = new ExistsMatcher(path);
                return want ? node : new NorNode([node]);
            }

            case "$type":
                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                return ParseType(path, v);
            case "$regex":
            {
                string options = ops.TryGetValue("$options", out var o) ? o as BsonString is { } os ? os.Value
                    : throw new MongoException(ErrorCodes.BadValue, "$options has to be a string") : "";
                BsonRegularExpression rx = v switch
                {
                    BsonString s => new BsonRegularExpression(s.Value, options),
                    BsonRegularExpression r when options.Length == 0 => r,
                    BsonRegularExpression => throw new MongoException(ErrorCodes.Location51075, "options set in both $regex and $options"),
                    _ => throw new MongoException(ErrorCodes.BadValue, "$regex has to be a string"),
                };
                Analyze(topLevel, path.Dotted, a => a.Regex = rx);
                return new RegexMatcher(path, rx);
            }

            case "$options":
                if (!ops.Contains("$regex"))
                {
                    throw new MongoException(ErrorCodes.BadValue, "$options needs a $regex");
                }

                return null;
            case "$mod":
                return ParseMod(path, v);
            case "$size":
            {
                if (!v.IsNumeric)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$size needs a number");
                }

                double size = v.ToDouble();
                if (size < 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$size may not be negative");
                }

                if (Math.Floor(size) != size || size > int.MaxValue)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$size must be a whole number");
                }

                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                return new SizeMatcher(path, (int)size);
            }

            case "$all":
            {
                if (v is not BsonArray all)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$all needs an array");
                }

                if (all.Count == 0)
                {
                    return new ConstantNode(false);
                }

                var parts = new List<MatchNode>();
                foreach (var item in all)
                {
                    if (item is BsonDocument d && d.ElementCount > 0 && d.GetElement(0).Name == "$elemMatch")
                    {
                        parts.Add(CompileOperators(path, d, false));
                    }
                    else if (item is BsonDocument od && od.ElementCount > 0 && od.GetElement(0).Name.StartsWith('$'))
                    {
                        throw new MongoException(ErrorCodes.BadValue, "no $ expressions in $all");
                    }
                    else
                    {
                        parts.Add(item is BsonRegularExpression r ? new RegexMatcher(path, r) : new ComparisonMatcher(path, ComparisonOperator.Eq, item, _comparer));
                    }
                }

                Analyze(topLevel, path.Dotted, a => a.Equality ??= all[0] is BsonRegularExpression or BsonDocument { ElementCount: > 0 } ? null : all[0]);
                return parts.Count == 1 ? parts[0] : new AndNode([.. parts]);
            }

            case "$elemMatch":
                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                return ParseElemMatch(path, v);
            case "$not":
            {
                Analyze(topLevel, path.Dotted, a => a.HasOtherPredicates = true);
                if (v is BsonRegularExpression notRx)
                {
                    return new NorNode([new RegexMatcher(path, notRx)]);
                }

                if (v is not BsonDocument notDoc)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$not needs a regex or a document");
                }

                if (notDoc.ElementCount == 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, "$not cannot be empty");
                }

                if (!notDoc.GetElement(0).Name.StartsWith('$'))
                {
                    throw new MongoException(ErrorCodes.BadValue, $"unknown operator: {notDoc.GetElement(0).Name}");
                }

                return new NorNode([CompileOperators(path, notDoc, false)]);
            }

            case "$bitsAllSet" or "$bitsAnySet" or "$bitsAllClear" or "$bitsAnyClear":
                return new BitsMatcher(path, e.Name, ParseBitPositions(e.Name, v));
            case "$geoWithin" or "$within":
                return new GeoShapeMatcher(path, GeoShape.ParseWithin(v));
            case "$geoIntersects":
            {
                if (v is not BsonDocument gi || !gi.TryGetValue("$geometry", out var geometry))
                {
                    throw new MongoException(ErrorCodes.BadValue, "$geoIntersects requires a $geometry");
                }

                return new GeoShapeMatcher(path, GeoShape.ParseGeometry(geometry, allowPoint: true));
            }

            case "$near" or "$nearSphere":
            {
                if (Near is not null)
                {
                    throw new MongoException(ErrorCodes.BadValue, "Too many geoNear expressions");
                }

                Near = ParseNear(path, e.Name == "$nearSphere", v, ops);
                return new NearMatcher(Near);
            }

            case "$maxDistance" or "$minDistance":
                if (!ops.Contains("$near") && !ops.Contains("$nearSphere"))
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{e.Name} must be used with $near or $nearSphere");
                }

                return null;
            case "$comment":
                return null;
            default:
                throw new MongoException(ErrorCodes.BadValue, $"unknown operator: {e.Name}");
        }
    }

    private static NearQuery ParseNear(FieldPath path, bool sphere, BsonValue v, BsonDocument ops)
    {
        double? max = ops.TryGetValue("$maxDistance", out var mx) && mx.IsNumeric ? mx.ToDouble() : null;
        double? min = ops.TryGetValue("$minDistance", out var mn) && mn.IsNumeric ? mn.ToDouble() : null;
        if (v is BsonDocument d && d.TryGetValue("$geometry", out var geometry))
        {
            if (!GeoPoint.TryParse(geometry, out var gp))
            {
                throw new MongoException(ErrorCodes.BadValue, "invalid point in geo near query $geometry argument");
            }

            max = d.TryGetValue("$maxDistance", out var gmx) && gmx.IsNumeric ? gmx.ToDouble() : max;
            min = d.TryGetValue("$minDistance", out var gmn) && gmn.IsNumeric ? gmn.ToDouble() : min;
            return new NearQuery { Path = path, Point = gp, Spherical = true, IsGeoJson = true, MaxDistance = max, MinDistance = min };
        }

        if (!GeoPoint.TryParse(v, out var p))
        {
            throw new MongoException(ErrorCodes.BadValue, $"near must be first in: {v}");
        }

        if (max < 0 || min < 0)
        {
            throw new MongoException(ErrorCodes.BadValue, "$maxDistance and $minDistance must be non-negative");
        }

        return new NearQuery { Path = path, Point = p, Spherical = sphere, MaxDistance = max, MinDistance = min };
    }

    private MatchNode ParseElemMatch(FieldPath path, BsonValue v)
    {
        if (v is not BsonDocument d)
        {
            throw new MongoException(ErrorCodes.BadValue, "$elemMatch needs an Object");
        }

        bool valueForm = d.ElementCount > 0 && d.GetElement(0).Name.StartsWith('$') &&
            d.GetElement(0).Name is not ("$and" or "$or" or "$nor" or "$expr" or "$where" or "$jsonSchema" or "$text" or "$comment" or "$alwaysTrue" or "$alwaysFalse");
        if (!valueForm)
        {
            var inner = new FilterCompiler(context);
            return new ElemMatchMatcher(path, inner.CompileDocument(d, false), null);
        }

        return new ElemMatchMatcher(path, null, CompileValuePredicates(d));
    }

    private LeafMatcher[] CompileValuePredicates(BsonDocument d)
    {
        var list = new List<LeafMatcher>();
        foreach (var e in d)
        {
            if (e.Name == "$not")
            {
                var inner = e.Value switch
                {
                    BsonRegularExpression r => [new RegexMatcher(null, r)],
                    BsonDocument nd when nd.ElementCount > 0 => CompileValuePredicates(nd),
                    _ => throw new MongoException(ErrorCodes.BadValue, "$not needs a regex or a document"),
                };
                list.Add(new ValueNotMatcher(inner));
                continue;
            }

            var node = CompileOperator(new FieldPath("x"), e, d, false);
            switch (node)
            {
                case null:
                    continue;
                case LeafMatcher leaf:
                    list.Add(Rebind(leaf, e, d));
                    break;
                case NorNode:
                    // $ne / $nin / $exists:false on a single element.
                    var inner = CompileValuePredicates(new BsonDocument(e.Name switch { "$ne" => "$eq", "$nin" => "$in", _ => e.Name }, e.Name == "$exists" ? true : e.Value));
                    list.Add(new ValueNotMatcher(inner));
                    break;
                default:
                    throw new MongoException(ErrorCodes.BadValue, $"{e.Name} can't be used in $elemMatch value form");
            }
        }

        return [.. list];
    }

    private LeafMatcher Rebind(LeafMatcher leaf, BsonElement e, BsonDocument ops) => leaf switch
    {
        // Rebuild path-less versions so MatchesValue sees the element itself.
        ComparisonMatcher c => new ComparisonMatcher(null, c.Operator, c.Value, _comparer),
        InMatcher i => new InMatcher(null, i.Values, _comparer),
        RegexMatcher r => new RegexMatcher(null, r.Source),
        _ => (LeafMatcher)CompilePathless(e, ops),
    };

    private MatchNode CompilePathless(BsonElement e, BsonDocument ops) => e.Name switch
    {
        "$type" => ParseType(null, e.Value),
        "$size" => new SizeMatcher(null, (int)e.Value.ToDouble()),
        "$mod" => ParseMod(null, e.Value),
        "$elemMatch" => ParseElemMatch(null!, e.Value) is ElemMatchMatcher em ? em : throw new InvalidOperationException(),
        "$exists" => new TypeMatcher(null, Enum.GetValues<BsonType>(), true),
        "$bitsAllSet" or "$bitsAnySet" or "$bitsAllClear" or "$bitsAnyClear" => new BitsMatcher(null, e.Name, ParseBitPositions(e.Name, e.Value)),
        _ => throw new MongoException(ErrorCodes.BadValue, $"{e.Name} can't be used in $elemMatch value form: {ops}"),
    };

    private static ModMatcher ParseMod(FieldPath? path, BsonValue v)
    {
        if (v is not BsonArray a)
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, needs to be an array");
        }

        if (a.Count < 2)
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, not enough elements");
        }

        if (a.Count > 2)
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, too many elements");
        }

        if (!a[0].IsNumeric)
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, divisor not a number");
        }

        if (!a[1].IsNumeric)
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, remainder not a number");
        }

        if (ValueMatching.IsNaN(a[0]) || ValueMatching.IsNaN(a[1]) || double.IsInfinity(a[0].ToDouble()) || double.IsInfinity(a[1].ToDouble()))
        {
            throw new MongoException(ErrorCodes.BadValue, "malformed mod, divisor and remainder must be finite numbers");
        }

        long divisor = a[0].ToInt64();
        if (divisor == 0)
        {
            throw new MongoException(ErrorCodes.BadValue, "divisor cannot be 0");
        }

        return new ModMatcher(path, divisor, a[1].ToInt64());
    }

    private static TypeMatcher ParseType(FieldPath? path, BsonValue v)
    {
        var types = new List<BsonType>();
        bool number = false;
        var list = v is BsonArray arr ? arr : new BsonArray { v };
        if (list.Count == 0)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "$type must match at least one type");
        }

        foreach (var t in list)
        {
            switch (t)
            {
                case BsonString { Value: "number" }:
                    number = true;
                    break;
                case BsonString s:
                    types.Add(TypeAliases.TryGetValue(s.Value, out var bt) ? bt : throw new MongoException(ErrorCodes.BadValue, $"Unknown type name alias: {s.Value}"));
                    break;
                case var n when n.IsNumeric:
                {
                    double d = n.ToDouble();
                    if (Math.Floor(d) != d)
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"Invalid numerical type code: {d}");
                    }

                    long code = (long)d;
                    if (code == 127 || code == -1 || (code >= 1 && code <= 19))
                    {
                        types.Add(code == 127 ? BsonType.MaxKey : (BsonType)(int)code);
                    }
                    else
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"Invalid numerical type code: {code}");
                    }

                    break;
                }

                default:
                    throw new MongoException(ErrorCodes.TypeMismatch, "type must be represented as a number or a string");
            }
        }

        return new TypeMatcher(path, [.. types], number);
    }

    private static int[] ParseBitPositions(string op, BsonValue v)
    {
        var positions = new List<int>();
        switch (v)
        {
            case BsonArray a:
                foreach (var p in a)
                {
                    if (!p.IsNumeric || !BitsMatcher.TryIntegral(p, out long pos) || pos < 0 || pos > int.MaxValue)
                    {
                        throw new MongoException(ErrorCodes.BadValue, $"bit positions must be an integer but got: {p}");
                    }

                    positions.Add((int)pos);
                }

                break;
            case BsonBinary bin:
            {
                var data = bin.Data.Span;
                for (int i = 0; i < data.Length * 8; i++)
                {
                    if (((data[i / 8] >> (i % 8)) & 1) != 0)
                    {
                        positions.Add(i);
                    }
                }

                break;
            }

            case var n when n.IsNumeric:
            {
                if (!BitsMatcher.TryIntegral(n, out long mask))
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{op} cannot represent {n} as a 64-bit integer");
                }

                if (mask < 0)
                {
                    throw new MongoException(ErrorCodes.BadValue, $"{op} takes a non-negative integer bitmask, got: {n}");
                }

                for (int i = 0; i < 63; i++)
                {
                    if (((mask >> i) & 1) != 0)
                    {
                        positions.Add(i);
                    }
                }

                break;
            }

            default:
                throw new MongoException(ErrorCodes.BadValue, $"{op} takes an Array, a number, or a BinData but received: {v}");
        }

        return [.. positions];
    }

    private void Analyze(bool topLevel, string path, Action<PathPredicateAnalysis> update)
    {
        if (!topLevel)
        {
            return;
        }

        if (!_analysis.TryGetValue(path, out var a))
        {
            a = new PathPredicateAnalysis(path);
            _analysis[path] = a;
        }

        update(a);
    }
}
