using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Accumulators;

/// <summary>
/// A compiled accumulator field of $group/$bucket/$bucketAuto/$setWindowFields: <c>{ $sum: expr }</c>, <c>{ $topN: {…} }</c>, ….
/// <see cref="Input"/> is evaluated per document and fed to a fresh <see cref="Accumulator"/> from <see cref="Create"/>.
/// </summary>
public sealed class AccumulatorSpec
{
    private readonly Func<Accumulator> _factory;

    private AccumulatorSpec(string op, AggregationExpression input, Func<Accumulator> factory)
    {
        Operator = op;
        Input = input;
        _factory = factory;
    }

    /// <summary>The operator name, with '$'.</summary>
    public string Operator { get; }

    /// <summary>The per-document input expression.</summary>
    public AggregationExpression Input { get; }

    /// <summary>A new, empty accumulator.</summary>
    public Accumulator Create() => _factory();

    /// <summary>Parses <c>{ $op: args }</c> (the value of one output field of $group).</summary>
    public static AccumulatorSpec Parse(string fieldName, BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc || doc.ElementCount != 1 || !doc.GetElement(0).Name.StartsWith('$'))
        {
            throw new MongoException(40234, $"The field '{fieldName}' must be an accumulator object");
        }

        var e = doc.GetElement(0);
        return Parse(e.Name, e.Value, new CompileContext(context));
    }

    internal static AccumulatorSpec Parse(string op, BsonValue arg, CompileContext ctx)
    {
        string name = op[1..];
        if (AccumulatorFactory.IsSimple(name))
        {
            if (arg is BsonArray)
            {
                throw new MongoException(40237, $"The {op} accumulator is a unary operator");
            }

            return new AccumulatorSpec(op, ExpressionCompiler.Compile(arg, ctx), () => AccumulatorFactory.Create(name));
        }

        switch (name)
        {
            case "count":
                if (arg is not BsonDocument { ElementCount: 0 })
                {
                    throw new MongoException(ErrorCodes.TypeMismatch, "$count takes no arguments, i.e. $count:{}");
                }

                return new AccumulatorSpec(op, new ConstantExpression(1), () => new CountAccumulator());
            case "firstN" or "lastN" or "maxN" or "minN":
            {
                var args = ExpressionCompiler.NamedArgs(op, arg, ["input", "n"], [], 5787901);
                if (!args.ContainsKey("input") || !args.ContainsKey("n"))
                {
                    throw new MongoException(5787906, $"{op} requires both 'input' and 'n' to be specified");
                }

                long n = ConstantN(op, args["n"], ctx);
                var input = ExpressionCompiler.Compile(args["input"], ctx);
                return name switch
                {
                    "firstN" => new AccumulatorSpec(op, input, () => new FirstLastNAccumulator(n, first: true)),
                    "lastN" => new AccumulatorSpec(op, input, () => new FirstLastNAccumulator(n, first: false)),
                    "maxN" => new AccumulatorSpec(op, input, () => new MinMaxNAccumulator(n, 1)),
                    _ => new AccumulatorSpec(op, input, () => new MinMaxNAccumulator(n, -1)),
                };
            }

            case "top" or "bottom" or "topN" or "bottomN":
            {
                bool single = name is "top" or "bottom";
                var args = ExpressionCompiler.NamedArgs(op, arg, single ? ["sortBy", "output"] : ["n", "sortBy", "output"], [], 5788002);
                if (!args.TryGetValue("sortBy", out var sortBy))
                {
                    throw new MongoException(5788003, $"Missing value for 'sortBy'");
                }

                if (!args.TryGetValue("output", out var outputSpec))
                {
                    throw new MongoException(5788004, $"Missing value for 'output'");
                }

                long n = 1;
                if (!single)
                {
                    if (!args.TryGetValue("n", out var nSpec))
                    {
                        throw new MongoException(5788005, "Missing value for 'n'");
                    }

                    n = ConstantN(op, nSpec, ctx);
                }

                var key = SortKey.Parse(sortBy, op);
                var output = ExpressionCompiler.Compile(outputSpec, ctx);
                var fields = key.Fields.ToArray();
                var directions = fields.Select(f => f.Direction).ToArray();
                var input = new LazyExpression(s =>
                {
                    var arr = new BsonArray(fields.Length + 1);
                    foreach (var (path, dir) in fields)
                    {
                        arr.Add(SortKey.KeyOf(s.Current, path, dir));
                    }

                    arr.Add(output.Evaluate(s));
                    return arr;
                });
                bool top = name.StartsWith("top", StringComparison.Ordinal);
                return new AccumulatorSpec(op, input, () => new TopBottomAccumulator(n, directions, top, single));
            }

            case "median" or "percentile":
            {
                bool median = name == "median";
                var args = ExpressionCompiler.NamedArgs(op, arg, median ? ["input", "method"] : ["input", "p", "method"], median ? ["input", "method"] : ["input", "p", "method"], 7436100);
                if (args["method"] is not BsonString { Value: "approximate" or "discrete" or "continuous" })
                {
                    throw new MongoException(ErrorCodes.BadValue, $"Currently only 'approximate' can be used as percentile 'method'");
                }

                var ps = median ? null : PercentileAccumulator.ParsePercentiles(args["p"]);
                return new AccumulatorSpec(op, ExpressionCompiler.Compile(args["input"], ctx), () => new PercentileAccumulator(ps));
            }

            default:
                throw new MongoException(15952, $"Unknown group operator '{op}'");
        }
    }

    private static long ConstantN(string op, BsonValue spec, CompileContext ctx)
    {
        var v = ExpressionCompiler.Compile(spec, ctx).Evaluate(new ExpressionScope([], ctx.Query));
        if (!Values.TryGetLong(v, out long n))
        {
            throw new MongoException(5787902, $"Value for 'n' must be of integral type, but found {Values.Display(v)}");
        }

        if (n <= 0)
        {
            throw new MongoException(5787908, $"'n' must be greater than 0, found {n}");
        }

        return n;
    }
}
