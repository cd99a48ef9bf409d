using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>Array operators, including the variable-binding ones ($filter $map $reduce).</summary>
internal static class ArrayOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$size", 1, 1, (_, a, _) => a[0] is BsonArray arr ? BsonInt32.Create(arr.Count)
            : throw new MongoException(17124, $"The argument to $size must be an array. Type of argument is: {Values.TypeName(a[0])}"));
        Eager(ops, "$isArray", 1, 1, (_, a, _) => a[0] is BsonArray);
        Eager(ops, "$arrayElemAt", 2, 2, (_, a, _) => ArrayElemAt(a[0], a[1]));
        Eager(ops, "$first", 1, 1, (n, a, _) => FirstLast(n, a[0], first: true));
        Eager(ops, "$last", 1, 1, (n, a, _) => FirstLast(n, a[0], first: false));
        Eager(ops, "$slice", 2, 3, (_, a, _) => Slice(a));
        Eager(ops, "$concatArrays", 0, int.MaxValue, (_, a, _) => ConcatArrays(a));
        Eager(ops, "$in", 2, 2, (_, a, s) => a[1] is BsonArray arr ? Contains(arr, a[0], s)
            : throw new MongoException(40081, $"$in requires an array as a second argument, found: {Values.TypeName(a[1])}"));
        Eager(ops, "$indexOfArray", 2, 4, (_, a, s) => IndexOfArray(a, s));
        Eager(ops, "$range", 2, 3, (_, a, _) => Range(a));
        Eager(ops, "$reverseArray", 1, 1, (_, a, _) => a[0] is BsonArray arr ? new BsonArray(arr.Reverse())
            : Values.IsNullish(a[0]) ? BsonNull.Value
            : throw new MongoException(34435, $"The argument to $reverseArray must be an array, but was of type: {Values.TypeName(a[0])}"));
        Eager(ops, "$arrayToObject", 1, 1, (_, a, _) => ArrayToObject(a[0]));
        Eager(ops, "$objectToArray", 1, 1, (_, a, _) => ObjectToArray(a[0]));
        ops["$filter"] = CompileFilter;
        ops["$map"] = CompileMap;
        ops["$reduce"] = CompileReduce;
        ops["$zip"] = CompileZip;
        ops["$sortArray"] = CompileSortArray;
        ops["$firstN"] = (n, spec, ctx) => CompileN(n, spec, ctx);
        ops["$lastN"] = (n, spec, ctx) => CompileN(n, spec, ctx);
        ops["$maxN"] = (n, spec, ctx) => CompileN(n, spec, ctx);
        ops["$minN"] = (n, spec, ctx) => CompileN(n, spec, ctx);
    }

    internal static BsonValue Contains(BsonArray arr, BsonValue v, ExpressionScope s)
    {
        foreach (var e in arr)
        {
            if (Collate.Equal(e, v, s.Context))
            {
                return BsonBoolean.True;
            }
        }

        return BsonBoolean.False;
    }

    private static BsonValue ArrayElemAt(BsonValue a, BsonValue i)
    {
        if (Values.IsNullish(a) || Values.IsNullish(i))
        {
            return BsonNull.Value;
        }

        if (a is not BsonArray arr)
        {
            throw new MongoException(28689, $"$arrayElemAt's first argument must be an array, but is {Values.TypeName(a)}");
        }

        if (!i.IsNumeric)
        {
            throw new MongoException(28690, $"$arrayElemAt's second argument must be a numeric value, but is {Values.TypeName(i)}");
        }

        if (!Values.TryGetInt(i, out int index))
        {
            throw new MongoException(28691, $"$arrayElemAt's second argument must be representable as a 32-bit integer: {i}");
        }

        if (index < 0)
        {
            index += arr.Count;
        }

        return index >= 0 && index < arr.Count ? arr[index] : Values.Missing;
    }

    private static BsonValue FirstLast(string name, BsonValue a, bool first)
    {
        if (Values.IsNullish(a))
        {
            return BsonNull.Value;
        }

        if (a is not BsonArray arr)
        {
            throw new MongoException(28689, $"{name}'s argument must be an array, but is {Values.TypeName(a)}");
        }

        return arr.Count == 0 ? Values.Missing : first ? arr[0] : arr[^1];
    }

    private static BsonValue Slice(BsonValue[] a)
    {
        foreach (var v in a)
        {
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }
        }

        if (a[0] is not BsonArray arr)
        {
            throw new MongoException(28724, $"First argument to $slice must be an array, but is of type: {Values.TypeName(a[0])}");
        }

        if (!Values.TryGetInt(a[1], out int p))
        {
            throw new MongoException(28725, $"Second argument to $slice must be a numeric value, but is of type: {Values.TypeName(a[1])}");
        }

        int start, count;
        if (a.Length == 2)
        {
            if (p >= 0)
            {
                (start, count) = (0, Math.Min(p, arr.Count));
            }
            else
            {
                start = Math.Max(0, arr.Count + p);
                count = arr.Count - start;
            }
        }
        else
        {
            if (!Values.TryGetInt(a[2], out int n))
            {
                throw new MongoException(28727, $"Third argument to $slice must be numeric, but is of type: {Values.TypeName(a[2])}");
            }

            if (n <= 0)
            {
                throw new MongoException(28729, $"Third argument to $slice must be positive: {n}");
            }

            start = p >= 0 ? Math.Min(p, arr.Count) : Math.Max(0, arr.Count + p);
            count = Math.Min(n, arr.Count - start);
        }

        var result = new BsonArray(count);
        for (int i = start; i < start + count; i++)
        {
            result.Add(arr[i]);
        }

        return result;
    }

    private static BsonValue ConcatArrays(BsonValue[] a)
    {
        var result = new BsonArray();
        foreach (var v in a)
        {
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonArray arr)
            {
                throw new MongoException(28664, $"$concatArrays only supports arrays, not {Values.TypeName(v)}");
            }

            result.AddRange(arr);
        }

        return result;
    }

    private static BsonValue IndexOfArray(BsonValue[] a, ExpressionScope s)
    {
        if (Values.IsNullish(a[0]))
        {
            return BsonNull.Value;
        }

        if (a[0] is not BsonArray arr)
        {
            throw new MongoException(40090, $"$indexOfArray requires an array as a first argument, found: {Values.TypeName(a[0])}");
        }

        int start = 0, end = arr.Count;
        if (a.Length > 2 && (!Values.TryGetInt(a[2], out start) || start < 0))
        {
            throw new MongoException(40097, $"$indexOfArray requires a nonnegative integral starting index, found: {a[2]}");
        }

        if (a.Length > 3)
        {
            if (!Values.TryGetInt(a[3], out end) || end < 0)
            {
                throw new MongoException(40097, $"$indexOfArray requires a nonnegative integral ending index, found: {a[3]}");
            }

            end = Math.Min(end, arr.Count);
        }

        for (int i = start; i < end; i++)
        {
            if (Collate.Equal(arr[i], a[1], s.Context))
            {
                return BsonInt32.Create(i);
            }
        }

        return BsonInt32.Create(-1);
    }

    private static BsonValue Range(BsonValue[] a)
    {
        if (!a[0].IsNumeric)
        {
            throw new MongoException(34443, $"$range requires a numeric starting value, found value of type: {Values.TypeName(a[0])}");
        }

        if (!Values.TryGetInt(a[0], out int start))
        {
            throw new MongoException(34444, $"$range requires a starting value that can be represented as a 32-bit integer, found value: {a[0]}");
        }

        if (!a[1].IsNumeric)
        {
            throw new MongoException(34445, $"$range requires a numeric ending value, found value of type: {Values.TypeName(a[1])}");
        }

        if (!Values.TryGetInt(a[1], out int end))
        {
            throw new MongoException(34446, $"$range requires an ending value that can be represented as a 32-bit integer, found value: {a[1]}");
        }

        int step = 1;
        if (a.Length > 2)
        {
            if (!a[2].IsNumeric)
            {
                throw new MongoException(34447, $"$range requires a numeric step value, found value of type: {Values.TypeName(a[2])}");
            }

            if (!Values.TryGetInt(a[2], out step))
            {
                throw new MongoException(34448, $"$range requires a step value that can be represented as a 32-bit integer, found value: {a[2]}");
            }

            if (step == 0)
            {
                throw new MongoException(34449, "$range requires a non-zero step value");
            }
        }

        var result = new BsonArray();
        for (long i = start; step > 0 ? i < end : i > end; i += step)
        {
            result.Add(BsonInt32.Create((int)i));
        }

        return result;
    }

    private static BsonValue ArrayToObject(BsonValue a)
    {
        if (Values.IsNullish(a))
        {
            return BsonNull.Value;
        }

        if (a is not BsonArray arr)
        {
            throw new MongoException(40386, $"$arrayToObject requires an array input, found: {Values.TypeName(a)}");
        }

        var doc = new BsonDocument();
        if (arr.Count == 0)
        {
            return doc;
        }

        bool pairs = arr[0] is BsonArray;
        foreach (var e in arr)
        {
            string key;
            BsonValue value;
            if (pairs)
            {
                if (e is not BsonArray pair || pair.Count != 2)
                {
                    throw new MongoException(40397, "$arrayToObject requires an array of size 2 arrays,found array of size: " + (e is BsonArray p2 ? p2.Count : 0));
                }

                if (pair[0] is not BsonString k)
                {
                    throw new MongoException(40395, $"$arrayToObject requires an array of key-value pairs, where the key must be of type string. Found key type: {Values.TypeName(pair[0])}");
                }

                (key, value) = (k.Value, pair[1]);
            }
            else
            {
                if (e is not BsonDocument kv || kv.ElementCount != 2 || !kv.TryGetValue("k", out var kk) || !kv.TryGetValue("v", out var vv))
                {
                    throw new MongoException(40392, "$arrayToObject requires an object keys of 'k' and 'v'. Found incorrect number of keys:" + (e is BsonDocument d ? d.ElementCount : 0));
                }

                if (kk is not BsonString ks)
                {
                    throw new MongoException(40394, $"$arrayToObject requires an object with keys 'k' and 'v', where the value of 'k' must be of type string. Found type: {Values.TypeName(kk)}");
                }

                (key, value) = (ks.Value, vv);
            }

            if (key.Contains('\0', StringComparison.Ordinal))
            {
                throw new MongoException(4940400, "Key field cannot contain an embedded null byte");
            }

            doc.Set(key, value);
        }

        return doc;
    }

    private static BsonValue ObjectToArray(BsonValue a)
    {
        if (Values.IsNullish(a))
        {
            return BsonNull.Value;
        }

        if (a is not BsonDocument doc)
        {
            throw new MongoException(40390, $"$objectToArray requires a document input, found: {Values.TypeName(a)}");
        }

        var result = new BsonArray(doc.ElementCount);
        foreach (var e in doc)
        {
            result.Add(new BsonDocument { { "k", e.Name }, { "v", e.Value } });
        }

        return result;
    }

    private static (AggregationExpression Input, string As) InputAndAs(string name, Dictionary<string, BsonValue> args, CompileContext ctx, string defaultAs)
    {
        var input = Compile(args["input"], ctx);
        string asName = defaultAs;
        if (args.TryGetValue("as", out var asv))
        {
            asName = asv is BsonString s ? s.Value : throw new MongoException(ErrorCodes.FailedToParse, $"{name} 'as' must be a string");
        }

        ValidateVariableName(asName);
        return (input, asName);
    }

    private static AggregationExpression CompileFilter(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(28646, "$filter only supports an object as its argument");
        }

        var args = NamedArgs(name, spec, ["input", "as", "cond", "limit"], [], 28647);
        if (!args.ContainsKey("input"))
        {
            throw new MongoException(28648, "Missing 'input' parameter to $filter");
        }

        if (!args.ContainsKey("cond"))
        {
            throw new MongoException(28650, "Missing 'cond' parameter to $filter");
        }

        var (input, asName) = InputAndAs(name, args, ctx, "this");
        AggregationExpression cond;
        using (ctx.Define(asName))
        {
            cond = Compile(args["cond"], ctx);
        }

        var limit = args.TryGetValue("limit", out var l) ? Compile(l, ctx) : null;
        return new LazyExpression(s =>
        {
            var iv = input.Evaluate(s);
            if (Values.IsNullish(iv))
            {
                return BsonNull.Value;
            }

            if (iv is not BsonArray arr)
            {
                throw new MongoException(28651, $"input to $filter must be an array not {Values.TypeName(iv)}");
            }

            long max = long.MaxValue;
            if (limit is not null)
            {
                var lv = limit.Evaluate(s);
                if (!Values.IsNullish(lv))
                {
                    if (!Values.TryGetInt(lv, out int li))
                    {
                        throw new MongoException(327391, $"$filter: limit must be represented as a 32-bit integral value: {lv}");
                    }

                    if (li < 1)
                    {
                        throw new MongoException(327392, $"$filter: limit must be greater than 0: {li}");
                    }

                    max = li;
                }
            }

            var result = new BsonArray();
            foreach (var e in arr)
            {
                if (result.Count >= max)
                {
                    break;
                }

                if (Values.IsTrue(cond.Evaluate(s.WithVariable(asName, e))))
                {
                    result.Add(e);
                }
            }

            return result;
        });
    }

    private static AggregationExpression CompileMap(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(16878, "$map only supports an object as its argument");
        }

        var args = NamedArgs(name, spec, ["input", "as", "in"], [], 16879);
        if (!args.ContainsKey("input"))
        {
            throw new MongoException(16880, "Missing 'input' parameter to $map");
        }

        if (!args.ContainsKey("in"))
        {
            throw new MongoException(16882, "Missing 'in' parameter to $map");
        }

        var (input, asName) = InputAndAs(name, args, ctx, "this");
        AggregationExpression inExpr;
        using (ctx.Define(asName))
        {
            inExpr = Compile(args["in"], ctx);
        }

        return new LazyExpression(s =>
        {
            var iv = input.Evaluate(s);
            if (Values.IsNullish(iv))
            {
                return BsonNull.Value;
            }

            if (iv is not BsonArray arr)
            {
                throw new MongoException(16883, $"input to $map must be an array not {Values.TypeName(iv)}");
            }

            var result = new BsonArray(arr.Count);
            foreach (var e in arr)
            {
                result.Add(Values.NullIfMissing(inExpr.Evaluate(s.WithVariable(asName, e))));
            }

            return result;
        });
    }

    private static AggregationExpression CompileReduce(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(40075, $"$reduce requires an object as an argument, found: {Values.TypeName(spec)}");
        }

        var args = NamedArgs(name, spec, ["input", "initialValue", "in"], [], 40076);
        foreach (var r in new[] { "input", "initialValue", "in" })
        {
            if (!args.ContainsKey(r))
            {
                throw new MongoException(40077 + Array.IndexOf(new[] { "input", "initialValue", "in" }, r), $"$reduce requires '{r}' to be specified");
            }
        }

        var input = Compile(args["input"], ctx);
        var initial = Compile(args["initialValue"], ctx);
        AggregationExpression inExpr;
        using (ctx.Define("this", "value"))
        {
            inExpr = Compile(args["in"], ctx);
        }

        return new LazyExpression(s =>
        {
            var iv = input.Evaluate(s);
            if (Values.IsNullish(iv))
            {
                return BsonNull.Value;
            }

            if (iv is not BsonArray arr)
            {
                throw new MongoException(40080, $"$reduce requires that 'input' be an array, found: {Values.Display(iv)}");
            }

            var acc = initial.Evaluate(s);
            foreach (var e in arr)
            {
                acc = inExpr.Evaluate(s.WithVariable("value", acc).WithVariable("this", e));
            }

            return acc;
        });
    }

    private static AggregationExpression CompileZip(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(34460, $"$zip only supports an object as an argument, found {Values.TypeName(spec)}");
        }

        var args = NamedArgs(name, spec, ["inputs", "useLongestLength", "defaults"], [], 34464);
        if (!args.TryGetValue("inputs", out var inputsSpec) || inputsSpec is not BsonArray inputsArr)
        {
            throw new MongoException(34465, "$zip requires at least one input array");
        }

        var inputs = inputsArr.Select(i => Compile(i, ctx)).ToArray();
        bool longest = args.TryGetValue("useLongestLength", out var ul) && (ul is BsonBoolean ub
            ? ub.Value : throw new MongoException(34463, "useLongestLength must be a bool"));
        AggregationExpression[]? defaults = null;
        if (args.TryGetValue("defaults", out var defSpec))
        {
            if (defSpec is not BsonArray defArr)
            {
                throw new MongoException(34462, "defaults must be an array");
            }

            if (!longest)
            {
                throw new MongoException(34466, "cannot specify defaults unless useLongestLength is true");
            }

            if (defArr.Count != inputs.Length)
            {
                throw new MongoException(34467, "defaults and inputs must have the same length");
            }

            defaults = [.. defArr.Select(d => Compile(d, ctx))];
        }

        return new LazyExpression(s =>
        {
            var arrays = new BsonArray[inputs.Length];
            int minLen = int.MaxValue, maxLen = 0;
            for (int i = 0; i < inputs.Length; i++)
            {
                var v = inputs[i].Evaluate(s);
                if (Values.IsNullish(v))
                {
                    return BsonNull.Value;
                }

                arrays[i] = v as BsonArray ?? throw new MongoException(34468, $"$zip found a non-array expression in input: {Values.Display(v)}");
                minLen = Math.Min(minLen, arrays[i].Count);
                maxLen = Math.Max(maxLen, arrays[i].Count);
            }

            int len = longest ? maxLen : (inputs.Length == 0 ? 0 : minLen);
            var result = new BsonArray(len);
            for (int j = 0; j < len; j++)
            {
                var row = new BsonArray(inputs.Length);
                for (int i = 0; i < inputs.Length; i++)
                {
                    row.Add(j < arrays[i].Count ? arrays[i][j] : defaults is null ? BsonNull.Value : defaults[i].Evaluate(s));
                }

                result.Add(row);
            }

            return result;
        });
    }

    private static AggregationExpression CompileSortArray(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(2942500, $"$sortArray requires an object as an argument, found: {Values.TypeName(spec)}");
        }

        var args = NamedArgs(name, spec, ["input", "sortBy"], [], 2942501);
        if (!args.ContainsKey("input"))
        {
            throw new MongoException(2942502, "$sortArray requires 'input' to be specified");
        }

        if (!args.TryGetValue("sortBy", out var sortBy))
        {
            throw new MongoException(2942503, "$sortArray requires 'sortBy' to be specified");
        }

        var input = Compile(args["input"], ctx);
        var comparer = SortKey.Parse(sortBy, "$sortArray");
        return new LazyExpression(s =>
        {
            var v = input.Evaluate(s);
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonArray arr)
            {
                throw new MongoException(2942504, $"The input argument to $sortArray must be an array, but was of type: {Values.TypeName(v)}");
            }

            var list = arr.ToList();
            var sorted = list.Select((x, i) => (x, i)).OrderBy(t => t, Comparer<(BsonValue x, int i)>.Create((p, q) =>
            {
                int c = comparer.Compare(p.x, q.x);
                return c != 0 ? c : p.i.CompareTo(q.i);
            }));
            return new BsonArray(sorted.Select(t => t.x));
        });
    }

    private static AggregationExpression CompileN(string name, BsonValue spec, CompileContext ctx)
    {
        var args = NamedArgs(name, spec, ["input", "n"], [], 5787901);
        if (!args.ContainsKey("input") || !args.ContainsKey("n"))
        {
            throw new MongoException(5787906, $"{name} requires both 'input' and 'n' to be specified");
        }

        var input = Compile(args["input"], ctx);
        var n = Compile(args["n"], ctx);
        return new LazyExpression(s =>
        {
            var nv = n.Evaluate(s);
            if (!Values.TryGetLong(nv, out long count))
            {
                throw new MongoException(5787902, $"Value for 'n' must be of integral type, but found {Values.Display(nv)}");
            }

            if (count <= 0)
            {
                throw new MongoException(5787908, $"'n' must be greater than 0, found {count}");
            }

            var v = input.Evaluate(s);
            if (v is not BsonArray arr)
            {
                throw new MongoException(5788200, $"Input must be an array, but found {Values.Display(v)}");
            }

            IEnumerable<BsonValue> items = name switch
            {
                "$firstN" => arr.Take((int)Math.Min(count, int.MaxValue)),
                "$lastN" => arr.Skip((int)Math.Max(0, arr.Count - count)),
                "$maxN" => arr.Where(x => !Values.IsNullish(x)).OrderByDescending(x => x, Comparer<BsonValue>.Create(Values.Compare)).Take((int)Math.Min(count, int.MaxValue)),
                _ => arr.Where(x => !Values.IsNullish(x)).OrderBy(x => x, Comparer<BsonValue>.Create(Values.Compare)).Take((int)Math.Min(count, int.MaxValue)),
            };
            return new BsonArray(items);
        });
    }
}
