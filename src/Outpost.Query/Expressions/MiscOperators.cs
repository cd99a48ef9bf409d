using System.Text;
using Outpost.Bson.Serialization;
using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>$let $literal $getField $setField $unsetField $rand $mergeObjects $meta, array-argument accumulators, misc.</summary>
internal static class MiscOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        ops["$literal"] = (_, spec, _) => new ConstantExpression(spec);
        ops["$let"] = CompileLet;
        ops["$getField"] = CompileGetField;
        ops["$setField"] = (n, s, c) => CompileSetField(n, s, c, unset: false);
        ops["$unsetField"] = (n, s, c) => CompileSetField(n, s, c, unset: true);
        ops["$rand"] = (n, spec, _) =>
        {
            if (spec is not BsonDocument { ElementCount: 0 })
            {
                throw new MongoException(10065, "$rand does not currently accept arguments");
            }

            return new LazyExpression(_ => new BsonDouble(Random.Shared.NextDouble()));
        };
        Eager(ops, "$mergeObjects", 0, int.MaxValue, (_, a, _) => MergeObjects(a));
        ops["$meta"] = (_, spec, _) =>
        {
            if (spec is not BsonString { Value: "textScore" or "searchScore" or "searchHighlights" or "indexKey" or "recordId" or "sortKey" or "geoNearDistance" or "geoNearPoint" or "randVal" or "searchScoreDetails" })
            {
                throw new MongoException(17308, $"Unsupported argument to $meta: {spec}");
            }

            // Metadata is attached by the engine (text search, geoNear) as hidden fields named $meta.<name> in $$ROOT.
            string key = "$meta." + spec.AsString;
            return new LazyExpression(s => s.Root.TryGetValue(key, out var v) ? v : Values.Missing);
        };
        Eager(ops, "$tsSecond", 1, 1, (_, a, _) => a[0] is BsonTimestamp t ? new BsonInt64(t.Seconds)
            : Values.IsNullish(a[0]) ? BsonNull.Value : throw new MongoException(5687301, $"$tsSecond requires a timestamp argument, found: {Values.TypeName(a[0])}"));
        Eager(ops, "$tsIncrement", 1, 1, (_, a, _) => a[0] is BsonTimestamp t ? new BsonInt64(t.Increment)
            : Values.IsNullish(a[0]) ? BsonNull.Value : throw new MongoException(5687302, $"$tsIncrement requires a timestamp argument, found: {Values.TypeName(a[0])}"));
        Eager(ops, "$bsonSize", 1, 1, (_, a, _) => a[0] is BsonDocument d ? BsonInt32.Create(BsonSerializer.Serialize(d).Length)
            : Values.IsNullish(a[0]) ? BsonNull.Value : throw new MongoException(31393, $"$bsonSize requires a document input, found: {Values.TypeName(a[0])}"));
        Eager(ops, "$binarySize", 1, 1, (_, a, _) => a[0] switch
        {
            BsonString s => BsonInt32.Create(Encoding.UTF8.GetByteCount(s.Value)),
            BsonBinary b => BsonInt32.Create(b.Data.Length),
            _ when Values.IsNullish(a[0]) => BsonNull.Value,
            _ => throw new MongoException(51276, $"$binarySize requires a string or BinData argument, found: {Values.TypeName(a[0])}"),
        });

        // Accumulators used as expressions: one array argument is the set of values, otherwise the arguments are.
        foreach (var acc in new[] { "$sum", "$avg", "$min", "$max", "$stdDevPop", "$stdDevSamp" })
        {
            ops[acc] = (n, spec, ctx) =>
            {
                var args = CompileArgs(spec, ctx);
                return new OperatorExpression(n, args, (name, a, _) => ArrayAccumulate(name, a));
            };
        }

        ops["$median"] = (n, spec, ctx) => CompilePercentileExpr(n, spec, ctx, median: true);
        ops["$percentile"] = (n, spec, ctx) => CompilePercentileExpr(n, spec, ctx, median: false);
    }

    private static BsonValue ArrayAccumulate(string name, BsonValue[] a)
    {
        IEnumerable<BsonValue> items = a.Length == 1 && a[0] is BsonArray arr ? arr : a;
        var acc = Accumulators.AccumulatorFactory.Create(name[1..]);
        foreach (var v in items)
        {
            acc.Add(v);
        }

        return acc.Result();
    }

    private static AggregationExpression CompilePercentileExpr(string name, BsonValue spec, CompileContext ctx, bool median)
    {
        var args = NamedArgs(name, spec, median ? ["input", "method"] : ["input", "p", "method"], median ? ["input", "method"] : ["input", "p", "method"], 7436100);
        var input = Compile(args["input"], ctx);
        var ps = median ? null : Accumulators.PercentileAccumulator.ParsePercentiles(args["p"]);
        return new LazyExpression(s =>
        {
            var v = input.Evaluate(s);
            var acc = new Accumulators.PercentileAccumulator(ps);
            if (v is BsonArray arr)
            {
                foreach (var e in arr)
                {
                    acc.Add(e);
                }
            }
            else
            {
                acc.Add(v);
            }

            return acc.Result();
        });
    }

    public static BsonValue MergeObjects(IEnumerable<BsonValue> docs)
    {
        var result = new BsonDocument();
        foreach (var v in docs)
        {
            if (Values.IsNullish(v))
            {
                continue;
            }

            if (v is not BsonDocument d)
            {
                throw new MongoException(40400, $"$mergeObjects requires object inputs, but input {v} is of type {Values.TypeName(v)}");
            }

            foreach (var e in d)
            {
                result.Set(e.Name, e.Value);
            }
        }

        return result;
    }

    private static AggregationExpression CompileLet(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(16874, "$let only supports an object as its argument");
        }

        BsonDocument? vars = null;
        BsonValue? inSpec = null;
        foreach (var e in doc)
        {
            if (e.Name == "vars")
            {
                vars = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.FailedToParse, "invalid parameter: vars must be an object");
            }
            else if (e.Name == "in")
            {
                inSpec = e.Value;
            }
            else
            {
                throw new MongoException(16875, $"Unrecognized parameter to $let: {e.Name}");
            }
        }

        if (vars is null)
        {
            throw new MongoException(16876, "Missing 'vars' parameter to $let");
        }

        if (inSpec is null)
        {
            throw new MongoException(16877, "Missing 'in' parameter to $let");
        }

        var bindings = new List<(string, AggregationExpression)>();
        foreach (var e in vars)
        {
            if (e.Name != "CURRENT")
            {
                ValidateVariableName(e.Name);
            }

            bindings.Add((e.Name, Compile(e.Value, ctx)));
        }

        AggregationExpression body;
        using (ctx.Define([.. bindings.Select(b => b.Item1)]))
        {
            body = Compile(inSpec, ctx);
        }

        return new LazyExpression(s =>
        {
            var inner = s;
            foreach (var (n, e) in bindings)
            {
                var v = e.Evaluate(s);
                inner = n == "CURRENT" ? inner.WithCurrent(v) : inner.WithVariable(n, v);
            }

            return body.Evaluate(inner);
        });
    }

    private static AggregationExpression CompileGetField(string name, BsonValue spec, CompileContext ctx)
    {
        AggregationExpression field, input;
        if (spec is BsonDocument doc && doc.Contains("field"))
        {
            var args = NamedArgs(name, spec, ["field", "input"], ["field"], 3041701);
            field = Compile(args["field"], ctx);
            input = args.TryGetValue("input", out var i) ? Compile(i, ctx) : new VariableExpression("CURRENT");
        }
        else
        {
            field = Compile(spec, ctx);
            input = new VariableExpression("CURRENT");
        }

        if (field is not ConstantExpression { Value: BsonString })
        {
            throw new MongoException(5654602, "$getField requires 'field' to evaluate to a constant, but got a non-constant argument");
        }

        string fieldName = ((ConstantExpression)field).Value.AsString;
        return new LazyExpression(s =>
        {
            var v = input.Evaluate(s);
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonDocument d)
            {
                throw new MongoException(3041705, $"$getField requires 'input' to evaluate to type Object, but got {Values.TypeName(v)}");
            }

            return d.TryGetValue(fieldName, out var r) ? r : Values.Missing;
        });
    }

    private static AggregationExpression CompileSetField(string name, BsonValue spec, CompileContext ctx, bool unset)
    {
        var args = NamedArgs(name, spec, unset ? ["field", "input"] : ["field", "input", "value"], unset ? ["field", "input"] : ["field", "input", "value"], 4161101);
        if (args["field"] is not BsonString fieldSpec && !(args["field"] is BsonDocument fd && fd.TryGetValue("$literal", out var lit) && lit is BsonString))
        {
            throw new MongoException(4161106, $"{name} requires 'field' to evaluate to type String, but got {Values.TypeName(args["field"])}");
        }

        string fieldName = args["field"] is BsonString fs ? fs.Value : ((BsonDocument)args["field"])["$literal"].AsString;
        var input = Compile(args["input"], ctx);
        var value = unset ? null : Compile(args["value"], ctx);
        return new LazyExpression(s =>
        {
            var v = input.Evaluate(s);
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonDocument d)
            {
                throw new MongoException(4161105, $"{name} requires 'input' to evaluate to type Object");
            }

            var copy = new BsonDocument(d);
            var nv = value?.Evaluate(s) ?? Values.Missing;
            if (unset || Values.IsMissing(nv))
            {
                copy.Remove(fieldName);
            }
            else
            {
                copy.Set(fieldName, nv);
            }

            return copy;
        });
    }
}
