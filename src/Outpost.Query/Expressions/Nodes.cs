using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>A literal value.</summary>
internal sealed class ConstantExpression(BsonValue value) : AggregationExpression
{
    public BsonValue Value { get; } = value;

    internal override bool IsConstant => true;

    public override BsonValue Evaluate(ExpressionScope scope) => Value;
}

/// <summary>
/// <c>"$a.b"</c> or <c>"$$var.a.b"</c>. Over arrays the path maps element-wise (aggregation semantics, unlike the
/// find-language path): non-document elements are skipped, nested arrays give nested arrays.
/// </summary>
internal sealed class FieldPathExpression(string? variable, string[] path) : AggregationExpression
{
    public string? Variable { get; } = variable;

    public string[] Path { get; } = path;

    public override BsonValue Evaluate(ExpressionScope scope)
    {
        BsonValue start = Variable is null ? scope.Current : VariableExpression.Lookup(Variable, scope);
        return Walk(start, Path, 0);
    }

    public static BsonValue Walk(BsonValue value, string[] path, int index)
    {
        for (int i = index; i < path.Length; i++)
        {
            switch (value)
            {
                case BsonDocument doc:
                    if (!doc.TryGetValue(path[i], out var next))
                    {
                        return Values.Missing;
                    }

                    value = next;
                    break;
                case BsonArray array:
                    return WalkArray(array, path, i);
                default:
                    return Values.Missing;
            }
        }

        return value;
    }

    private static BsonArray WalkArray(BsonArray array, string[] path, int index)
    {
        var result = new BsonArray(array.Count);
        foreach (var element in array)
        {
            if (element is BsonDocument)
            {
                var v = Walk(element, path, index);
                if (!Values.IsMissing(v))
                {
                    result.Add(v);
                }
            }
            else if (element is BsonArray nested)
            {
                result.Add(WalkArray(nested, path, index));
            }
        }

        return result;
    }
}

/// <summary>A system or user variable (<c>$$ROOT</c>, <c>$$NOW</c>, <c>$$x</c>, …).</summary>
internal sealed class VariableExpression(string name) : AggregationExpression
{
    public string Name { get; } = name;

    public override BsonValue Evaluate(ExpressionScope scope) => Lookup(Name, scope);

    public static BsonValue Lookup(string name, ExpressionScope scope) => name switch
    {
        "ROOT" => scope.Root,
        "CURRENT" => scope.TryGetVariable("CURRENT", out var c) ? c : scope.Current,
        "NOW" => new BsonDateTime(scope.Context.Now),
        "CLUSTER_TIME" => (BsonValue?)scope.Context.ClusterTime ?? Values.Missing,
        "REMOVE" => Values.Missing,
        "DESCEND" => RedactDescend,
        "PRUNE" => RedactPrune,
        "KEEP" => RedactKeep,
        _ => scope.TryGetVariable(name, out var v) ? v : Values.Missing,
    };

    public static readonly BsonString RedactDescend = new("descend");
    public static readonly BsonString RedactPrune = new("prune");
    public static readonly BsonString RedactKeep = new("keep");
}

/// <summary><c>{ a: expr, b: expr }</c>: fields whose value is missing are left out.</summary>
internal sealed class ObjectExpression(List<(string Name, AggregationExpression Value)> fields) : AggregationExpression
{
    public List<(string Name, AggregationExpression Value)> Fields { get; } = fields;

    public override BsonValue Evaluate(ExpressionScope scope)
    {
        var doc = new BsonDocument(Fields.Count);
        foreach (var (name, expr) in Fields)
        {
            var v = expr.Evaluate(scope);
            if (!Values.IsMissing(v))
            {
                doc.Add(name, v);
            }
        }

        return doc;
    }
}

/// <summary><c>[expr, expr]</c>: missing elements become null.</summary>
internal sealed class ArrayExpression(AggregationExpression[] items) : AggregationExpression
{
    public override BsonValue Evaluate(ExpressionScope scope)
    {
        var array = new BsonArray(items.Length);
        foreach (var item in items)
        {
            array.Add(Values.NullIfMissing(item.Evaluate(scope)));
        }

        return array;
    }
}

/// <summary>An operator whose arguments are all evaluated before it runs.</summary>
internal sealed class OperatorExpression(string name, AggregationExpression[] args, Func<string, BsonValue[], ExpressionScope, BsonValue> apply)
    : AggregationExpression
{
    public string Name { get; } = name;

    public override BsonValue Evaluate(ExpressionScope scope)
    {
        var values = new BsonValue[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            values[i] = args[i].Evaluate(scope);
        }

        return apply(Name, values, scope);
    }
}

/// <summary>An operator that controls evaluation of its own arguments ($cond, $and, $map, …).</summary>
internal sealed class LazyExpression(Func<ExpressionScope, BsonValue> apply) : AggregationExpression
{
    public override BsonValue Evaluate(ExpressionScope scope) => apply(scope);
}
