using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>Comparison ($eq … $cmp), boolean ($and $or $not) and conditional ($cond $ifNull $switch) operators.</summary>
internal static class ComparisonOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$eq", 2, 2, (_, a, s) => Cmp(a, s) == 0);
        Eager(ops, "$ne", 2, 2, (_, a, s) => Cmp(a, s) != 0);
        Eager(ops, "$gt", 2, 2, (_, a, s) => Cmp(a, s) > 0);
        Eager(ops, "$gte", 2, 2, (_, a, s) => Cmp(a, s) >= 0);
        Eager(ops, "$lt", 2, 2, (_, a, s) => Cmp(a, s) < 0);
        Eager(ops, "$lte", 2, 2, (_, a, s) => Cmp(a, s) <= 0);
        Eager(ops, "$cmp", 2, 2, (_, a, s) => BsonInt32.Create(Math.Sign(Cmp(a, s))));
        Eager(ops, "$not", 1, 1, (_, a, _) => !Values.IsTrue(a[0]));

        ops["$and"] = (n, spec, ctx) =>
        {
            var args = CompileArgs(spec, ctx);
            return new LazyExpression(s =>
            {
                foreach (var arg in args)
                {
                    if (!Values.IsTrue(arg.Evaluate(s)))
                    {
                        return BsonBoolean.False;
                    }
                }

                return BsonBoolean.True;
            });
        };
        ops["$or"] = (n, spec, ctx) =>
        {
            var args = CompileArgs(spec, ctx);
            return new LazyExpression(s =>
            {
                foreach (var arg in args)
                {
                    if (Values.IsTrue(arg.Evaluate(s)))
                    {
                        return BsonBoolean.True;
                    }
                }

                return BsonBoolean.False;
            });
        };
        ops["$cond"] = CompileCond;
        ops["$ifNull"] = (n, spec, ctx) =>
        {
            var args = CompileArgs(spec, ctx);
            if (args.Length < 2)
            {
                throw new MongoException(ErrorCodes.Location16020, $"Expression $ifNull needs at least two arguments, had: {args.Length}");
            }

            return new LazyExpression(s =>
            {
                for (int i = 0; i < args.Length - 1; i++)
                {
                    var v = args[i].Evaluate(s);
                    if (!Values.IsNullish(v))
                    {
                        return v;
                    }
                }

                return args[^1].Evaluate(s);
            });
        };
        ops["$switch"] = CompileSwitch;
    }

    private static int Cmp(BsonValue[] a, ExpressionScope scope) => Collate.Compare(a[0], a[1], scope.Context);

    private static AggregationExpression CompileCond(string name, BsonValue spec, CompileContext ctx)
    {
        AggregationExpression cond, then, otherwise;
        if (spec is BsonDocument doc)
        {
            foreach (var e in doc)
            {
                if (e.Name is not ("if" or "then" or "else"))
                {
                    throw new MongoException(17083, $"Unrecognized parameter to $cond: {e.Name}");
                }
            }

            if (!doc.TryGetValue("if", out var i))
            {
                throw new MongoException(17080, "Missing 'if' parameter to $cond");
            }

            if (!doc.TryGetValue("then", out var t))
            {
                throw new MongoException(17081, "Missing 'then' parameter to $cond");
            }

            if (!doc.TryGetValue("else", out var el))
            {
                throw new MongoException(17082, "Missing 'else' parameter to $cond");
            }

            cond = Compile(i, ctx);
            then = Compile(t, ctx);
            otherwise = Compile(el, ctx);
        }
        else
        {
            var args = CompileArgs(name, spec, ctx, 3, 3);
            (cond, then, otherwise) = (args[0], args[1], args[2]);
        }

        return new LazyExpression(s => Values.IsTrue(cond.Evaluate(s)) ? then.Evaluate(s) : otherwise.Evaluate(s));
    }

    private static AggregationExpression CompileSwitch(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(40060, $"$switch requires an object as an argument, found: {Values.TypeName(spec)}");
        }

        var branches = new List<(AggregationExpression Case, AggregationExpression Then)>();
        AggregationExpression? otherwise = null;
        foreach (var e in doc)
        {
            if (e.Name == "branches")
            {
                if (e.Value is not BsonArray arr)
                {
                    throw new MongoException(40061, $"$switch expected an array for 'branches', found: {Values.TypeName(e.Value)}");
                }

                foreach (var b in arr)
                {
                    if (b is not BsonDocument bd)
                    {
                        throw new MongoException(40062, $"$switch expected each branch to be an object, found: {Values.TypeName(b)}");
                    }

                    AggregationExpression? c = null, t = null;
                    foreach (var be in bd)
                    {
                        if (be.Name == "case")
                        {
                            c = Compile(be.Value, ctx);
                        }
                        else if (be.Name == "then")
                        {
                            t = Compile(be.Value, ctx);
                        }
                        else
                        {
                            throw new MongoException(40063, $"$switch found an unknown argument to a branch: {be.Name}");
                        }
                    }

                    branches.Add((c ?? throw new MongoException(40064, "$switch requires each branch have a 'case' expression"),
                        t ?? throw new MongoException(40065, "$switch requires each branch have a 'then' expression.")));
                }
            }
            else if (e.Name == "default")
            {
                otherwise = Compile(e.Value, ctx);
            }
            else
            {
                throw new MongoException(40067, $"$switch found an unknown argument: {e.Name}");
            }
        }

        if (branches.Count == 0)
        {
            throw new MongoException(40068, "$switch requires at least one branch.");
        }

        return new LazyExpression(s =>
        {
            foreach (var (c, t) in branches)
            {
                if (Values.IsTrue(c.Evaluate(s)))
                {
                    return t.Evaluate(s);
                }
            }

            return otherwise?.Evaluate(s)
                ?? throw new MongoException(40066, "$switch could not find a matching branch for an input, and no default was specified.");
        });
    }
}
