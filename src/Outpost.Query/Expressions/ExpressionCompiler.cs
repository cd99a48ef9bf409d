using System.Collections.Frozen;
using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>Parses expression specs into node trees, with MongoDB's parse-time validation and error codes.</summary>
internal static partial class ExpressionCompiler
{
    /// <summary>A compiler for one operator: receives the operator's argument spec.</summary>
    public delegate AggregationExpression OperatorParser(string name, BsonValue args, CompileContext ctx);

    private static readonly FrozenDictionary<string, OperatorParser> Operators = BuildOperators();

    public static bool IsOperator(string name) => Operators.ContainsKey(name);

    public static AggregationExpression Compile(BsonValue spec, CompileContext ctx)
    {
        switch (spec)
        {
            case BsonString s when s.Value.StartsWith('$'):
                return CompilePath(s.Value, ctx);
            case BsonDocument doc:
                return CompileDocument(doc, ctx);
            case BsonArray array:
                var items = new AggregationExpression[array.Count];
                bool allConstant = true;
                for (int i = 0; i < array.Count; i++)
                {
                    items[i] = Compile(array[i], ctx);
                    allConstant &= items[i].IsConstant;
                }

                return new ArrayExpression(items);
            default:
                return new ConstantExpression(spec);
        }
    }

    private static AggregationExpression CompilePath(string text, CompileContext ctx)
    {
        if (text.StartsWith("$$", StringComparison.Ordinal))
        {
            string body = text[2..];
            int dot = body.IndexOf('.', StringComparison.Ordinal);
            string name = dot < 0 ? body : body[..dot];
            ValidateVariableUse(name, ctx);
            if (dot < 0)
            {
                return new VariableExpression(name);
            }

            return new FieldPathExpression(name, SplitPath(body[(dot + 1)..]));
        }

        if (text.Length == 1)
        {
            throw new MongoException(16872, "'$' by itself is not a valid FieldPath");
        }

        return new FieldPathExpression(null, SplitPath(text[1..]));
    }

    internal static string[] SplitPath(string path)
    {
        var parts = path.Split('.');
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw new MongoException(15998, "FieldPath field names may not be empty strings.");
            }

            if (part[0] == '$')
            {
                throw new MongoException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField.");
            }
        }

        return parts;
    }

    private static void ValidateVariableUse(string name, CompileContext ctx)
    {
        switch (name)
        {
            case "ROOT" or "CURRENT" or "NOW" or "CLUSTER_TIME" or "REMOVE" or "DESCEND" or "PRUNE" or "KEEP" or "SEARCH_META" or "USER_ROLES":
                return;
        }

        if (name.Length == 0)
        {
            throw new MongoException(16869, "empty variable names are not allowed");
        }

        if (!ctx.IsDefined(name))
        {
            throw new MongoException(17276, $"Use of undefined variable: {name}");
        }
    }

    /// <summary>Validates a name a user binds with $let/$map/$filter/… (MongoDB: must start with a lowercase or non-ASCII letter).</summary>
    internal static void ValidateVariableName(string name)
    {
        if (name.Length == 0)
        {
            throw new MongoException(16866, "empty variable names are not allowed");
        }

        char c = name[0];
        if (!(char.IsAsciiLetterLower(c) || c > 127))
        {
            throw new MongoException(16867, $"'{name}' starts with an invalid character for a user variable name");
        }

        foreach (char ch in name)
        {
            if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_' || ch > 127))
            {
                throw new MongoException(16868, $"'{name}' contains an invalid character for a variable name: '{ch}'");
            }
        }
    }

    private static AggregationExpression CompileDocument(BsonDocument doc, CompileContext ctx)
    {
        if (doc.ElementCount > 0 && doc.GetElement(0).Name.StartsWith('$'))
        {
            if (doc.ElementCount != 1)
            {
                throw new MongoException(15983,
                    $"an expression specification must contain exactly one field, the name of the expression. Found {doc.ElementCount} fields in {doc}");
            }

            var element = doc.GetElement(0);
            if (!Operators.TryGetValue(element.Name, out var parser))
            {
                throw new MongoException(ErrorCodes.InvalidPipelineOperator, $"Invalid $project :: caused by :: Unrecognized expression '{element.Name}'");
            }

            return parser(element.Name, element.Value, ctx);
        }

        var fields = new List<(string, AggregationExpression)>(doc.ElementCount);
        foreach (var element in doc)
        {
            if (element.Name.StartsWith('$'))
            {
                throw new MongoException(16404, $"a field name may not start with '$' inside an object expression: '{element.Name}'");
            }

            if (element.Name.Contains('.', StringComparison.Ordinal))
            {
                throw new MongoException(16412, $"FieldPath field names may not contain '.'. Consider using $getField or $setField.");
            }

            fields.Add((element.Name, Compile(element.Value, ctx)));
        }

        return new ObjectExpression(fields);
    }

    /// <summary>The operator's arguments as a list: an array spec is the list, any other value is one argument.</summary>
    internal static AggregationExpression[] CompileArgs(BsonValue args, CompileContext ctx)
    {
        if (args is BsonArray array)
        {
            var result = new AggregationExpression[array.Count];
            for (int i = 0; i < array.Count; i++)
            {
                result[i] = Compile(array[i], ctx);
            }

            return result;
        }

        return [Compile(args, ctx)];
    }

    internal static AggregationExpression[] CompileArgs(string name, BsonValue args, CompileContext ctx, int min, int max)
    {
        var result = CompileArgs(args, ctx);
        if (result.Length < min || result.Length > max)
        {
            if (min == max)
            {
                throw new MongoException(16020, $"Expression {name} takes exactly {min} arguments. {result.Length} were passed in.");
            }

            if (result.Length < min)
            {
                throw new MongoException(16020, $"Expression {name} takes at least {min} arguments, and at most {max}. {result.Length} were passed in.");
            }

            throw new MongoException(16020, $"Expression {name} takes at most {max} arguments. {result.Length} were passed in.");
        }

        return result;
    }

    /// <summary>Named arguments of an object-form operator ({ input:, as:, … }); unknown names fail with the given code.</summary>
    internal static Dictionary<string, BsonValue> NamedArgs(string name, BsonValue args, string[] allowed, string[] required, int unknownCode = 40181)
    {
        if (args is not BsonDocument doc)
        {
            throw new MongoException(40181 == unknownCode ? 28646 : unknownCode, $"{name} only supports an object as its argument");
        }

        var result = new Dictionary<string, BsonValue>(StringComparer.Ordinal);
        foreach (var e in doc)
        {
            if (Array.IndexOf(allowed, e.Name) < 0)
            {
                throw new MongoException(unknownCode, $"Unrecognized parameter to {name}: {e.Name}");
            }

            result[e.Name] = e.Value;
        }

        foreach (var r in required)
        {
            if (!result.ContainsKey(r))
            {
                throw new MongoException(unknownCode == 40181 ? 28647 : unknownCode, $"Missing '{r}' parameter to {name}");
            }
        }

        return result;
    }

    private static FrozenDictionary<string, OperatorParser> BuildOperators()
    {
        var ops = new Dictionary<string, OperatorParser>(StringComparer.Ordinal);
        ArithmeticOperators.Register(ops);
        ComparisonOperators.Register(ops);
        StringOperators.Register(ops);
        ArrayOperators.Register(ops);
        SetOperators.Register(ops);
        DateOperators.Register(ops);
        TypeOperators.Register(ops);
        MiscOperators.Register(ops);
        return ops.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Registers an operator with a fixed arity whose arguments are evaluated eagerly.</summary>
    internal static void Eager(Dictionary<string, OperatorParser> ops, string name, int min, int max, Func<string, BsonValue[], ExpressionScope, BsonValue> apply) =>
        ops[name] = (n, args, ctx) => new OperatorExpression(n, CompileArgs(n, args, ctx, min, max), apply);
}
