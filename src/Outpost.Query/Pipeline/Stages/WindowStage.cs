using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Accumulators;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>
/// $setWindowFields. Documents are sorted by (partition, sortBy) through the spilling $sort, then one partition at a time
/// is held in memory and every output field is computed per document over its window.
/// </summary>
internal sealed class WindowStage(AggregationExpression? partitionBy, SortKey? sortBy, BsonDocument? sortSpec, List<WindowStage.OutputField> outputs) : PipelineStage
{
    public override string Name => "$setWindowFields";

    internal enum Kind { Accumulator, Rank, DenseRank, DocumentNumber, Shift, Derivative, Integral, ExpMovingAvg, CovariancePop, CovarianceSamp, Locf, LinearFill }

    internal sealed record WindowBounds(bool IsRange, BsonValue Lower, BsonValue Upper, string? Unit);

    internal sealed record OutputField(string Path, Kind Kind, AccumulatorSpec? Accumulator, AggregationExpression? Input, AggregationExpression? Input2,
        WindowBounds? Window, long By, AggregationExpression? Default, string? Unit, double? Alpha);

    public static WindowStage Compile(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "$setWindowFields must be an object");
        }

        var ctx = new CompileContext(context);
        AggregationExpression? partition = null;
        SortKey? sort = null;
        BsonDocument? sortSpec = null;
        BsonDocument? output = null;
        foreach (var e in doc)
        {
            switch (e.Name)
            {
                case "partitionBy": partition = ExpressionCompiler.Compile(e.Value, ctx); break;
                case "sortBy":
                    sortSpec = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "sortBy must be an object");
                    sort = SortKey.Parse(sortSpec, "$setWindowFields");
                    break;
                case "output": output = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.TypeMismatch, "output must be an object"); break;
                default: throw new MongoException(ErrorCodes.FailedToParse, $"BSON field '$setWindowFields.{e.Name}' is an unknown field.");
            }
        }

        if (output is null)
        {
            throw new MongoException(40414, "BSON field '$setWindowFields.output' is missing but a required field");
        }

        var fields = new List<OutputField>();
        foreach (var e in output)
        {
            if (e.Value is not BsonDocument fd)
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"The field '{e.Name}' must be an object");
            }

            WindowBounds? window = null;
            string? opName = null;
            BsonValue? opArg = null;
            foreach (var fe in fd)
            {
                if (fe.Name == "window")
                {
                    window = ParseWindow(fe.Value);
                }
                else if (fe.Name.StartsWith('$'))
                {
                    if (opName is not null)
                    {
                        throw new MongoException(ErrorCodes.FailedToParse, $"Expected a single window function in '{e.Name}'");
                    }

                    (opName, opArg) = (fe.Name, fe.Value);
                }
                else
                {
                    throw new MongoException(ErrorCodes.FailedToParse, $"'window' field must be an object; unknown field '{fe.Name}'");
                }
            }

            if (opName is null)
            {
                throw new MongoException(ErrorCodes.FailedToParse, $"Expected a $-prefixed window function, '{e.Name}'");
            }

            fields.Add(ParseFunction(e.Name, opName, opArg!, window, sort, ctx));
        }

        return new WindowStage(partition, sort, sortSpec, fields);
    }

    private static WindowBounds ParseWindow(BsonValue v)
    {
        if (v is not BsonDocument w)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "'window' field must be an object");
        }

        bool isRange = w.TryGetValue("range", out var bounds);
        if (!isRange && !w.TryGetValue("documents", out bounds))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "'window' field must specify documents or range");
        }

        if (bounds is not BsonArray { Count: 2 } arr)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "Window bounds must be a 2-element array");
        }

        string? unit = w.TryGetValue("unit", out var u) ? u.AsString : null;
        foreach (var b in arr)
        {
            if (!(b is BsonString { Value: "unbounded" or "current" } || (isRange ? b.IsNumeric : Values.TryGetLong(b, out _))))
            {
                throw new MongoException(ErrorCodes.FailedToParse, isRange
                    ? "Range-based bounds expression must be a number"
                    : "Numeric document-based bounds must be an integer");
            }
        }

        return new WindowBounds(isRange, arr[0], arr[1], unit);
    }

    private static OutputField ParseFunction(string path, string op, BsonValue arg, WindowBounds? window, SortKey? sort, CompileContext ctx)
    {
        void RequireSort(int? exactlyFields = null)
        {
            if (sort is null || (exactlyFields is { } n && sort.Fields.Count != n))
            {
                throw new MongoException(5371602, $"{op} must be specified with a top level sortBy expression with exactly one element");
            }
        }

        void NoWindow()
        {
            if (window is not null)
            {
                throw new MongoException(5371601, $"{op} does not accept a 'window' field");
            }
        }

        switch (op)
        {
            case "$rank" or "$denseRank" or "$documentNumber":
                NoWindow();
                RequireSort(op == "$documentNumber" ? null : 1);
                return new OutputField(path, op switch { "$rank" => Kind.Rank, "$denseRank" => Kind.DenseRank, _ => Kind.DocumentNumber }, null, null, null, null, 0, null, null, null);
            case "$shift":
            {
                if (sort is null || window is not null)
                {
                    throw new MongoException(ErrorCodes.FailedToParse, "$shift requires a sortBy and does not accept a 'window' field");
                }

                var a = ExpressionCompiler.NamedArgs(op, arg, ["output", "by", "default"], ["output", "by"], ErrorCodes.FailedToParse);
                if (!Values.TryGetInt(a["by"], out int by))
                {
                    throw new MongoException(ErrorCodes.FailedToParse, "'$shift:by' field must be an integer, but found " + a["by"]);
                }

                return new OutputField(path, Kind.Shift, null, ExpressionCompiler.Compile(a["output"], ctx), null, null, by,
                    a.TryGetValue("default", out var d) ? ExpressionCompiler.Compile(d, ctx) : null, null, null);
            }

            case "$derivative" or "$integral":
            {
                RequireSort(1);
                var a = ExpressionCompiler.NamedArgs(op, arg, ["input", "unit"], ["input"], ErrorCodes.FailedToParse);
                if (op == "$derivative" && window is null)
                {
                    throw new MongoException(5490701, "$derivative requires explicit window bounds");
                }

                CheckWindowSort(window, sort);

                return new OutputField(path, op == "$derivative" ? Kind.Derivative : Kind.Integral, null, ExpressionCompiler.Compile(a["input"], ctx), null,
                    window, 0, null, a.TryGetValue("unit", out var u) ? u.AsString : null, null);
            }

            case "$expMovingAvg":
            {
                NoWindow();
                RequireSort();
                var a = ExpressionCompiler.NamedArgs(op, arg, ["input", "N", "alpha"], ["input"], ErrorCodes.FailedToParse);
                double alpha = a.TryGetValue("N", out var nv) ? 2.0 / (nv.ToDouble() + 1)
                    : a.TryGetValue("alpha", out var av) ? av.ToDouble()
                    : throw new MongoException(ErrorCodes.FailedToParse, "$expMovingAvg must have exactly one of 'N' or 'alpha'");
                return new OutputField(path, Kind.ExpMovingAvg, null, ExpressionCompiler.Compile(a["input"], ctx), null, null, 0, null, null, alpha);
            }

            case "$covariancePop" or "$covarianceSamp":
            {
                var args = ExpressionCompiler.CompileArgs(op, arg, ctx, 2, 2);
                return new OutputField(path, op == "$covariancePop" ? Kind.CovariancePop : Kind.CovarianceSamp, null, args[0], args[1], window, 0, null, null, null);
            }

            case "$locf":
                NoWindow();
                return new OutputField(path, Kind.Locf, null, ExpressionCompiler.Compile(arg, ctx), null, null, 0, null, null, null);
            case "$linearFill":
                NoWindow();
                RequireSort(1);
                return new OutputField(path, Kind.LinearFill, null, ExpressionCompiler.Compile(arg, ctx), null, null, 0, null, null, null);
            default:
                CheckWindowSort(window, sort);

                return new OutputField(path, Kind.Accumulator, AccumulatorSpec.Parse(op, arg, ctx), null, null, window, 0, null, null, null);
        }
    }

    /// <summary>Document windows with a bounded side need a sortBy (5339901); range windows need exactly one sort field (5339902).</summary>
    private static void CheckWindowSort(WindowBounds? window, SortKey? sort)
    {
        if (window is null)
        {
            return;
        }

        if (window.IsRange)
        {
            if (sort is null || sort.Fields.Count != 1)
            {
                throw new MongoException(5339902, "Range-based window require sortBy a single field");
            }
        }
        else if (sort is null && !(window.Lower is BsonString { Value: "unbounded" } && window.Upper is BsonString { Value: "unbounded" }))
        {
            throw new MongoException(5339901, "Document-based bounds require a sortBy");
        }
    }

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        async IAsyncEnumerable<BsonDocument> Wrap([EnumeratorCancellation] CancellationToken token = default)
        {
            await foreach (var d in input.WithCancellation(token).ConfigureAwait(false))
            {
                var key = partitionBy is null ? BsonNull.Value : Values.NullIfMissing(partitionBy.Evaluate(new ExpressionScope(d, runtime.Context)));
                if (key is BsonArray)
                {
                    throw new MongoException(ErrorCodes.TypeMismatch, "An expression used to partition cannot evaluate to value of type array");
                }

                yield return new BsonDocument { { "p", new BsonDocument("k", key) }, { "d", d } };
            }
        }

        var sortDoc = new BsonDocument("p", 1);
        if (sortSpec is not null)
        {
            foreach (var e in sortSpec)
            {
                sortDoc.Add("d." + e.Name, e.Value);
            }
        }

        var sorted = new SortStage(SortKey.Parse(sortDoc, "$sort")).ExecuteAsync(Wrap(ct), runtime, ct);
        var partition = new List<BsonDocument>();
        BsonValue? currentKey = null;
        await foreach (var w in sorted.WithCancellation(ct).ConfigureAwait(false))
        {
            var key = w["p"];
            if (currentKey is not null && !BsonComparer.Instance.Equals(currentKey, key))
            {
                foreach (var d in ComputePartition(partition, runtime.Context))
                {
                    yield return d;
                }

                partition.Clear();
            }

            currentKey = key;
            partition.Add(w["d"].AsDocument);
        }

        foreach (var d in ComputePartition(partition, runtime.Context))
        {
            yield return d;
        }
    }

    private BsonValue SortValue(BsonDocument doc) => sortBy is null || sortBy.Fields.Count == 0
        ? BsonNull.Value
        : SortKey.KeyOf(doc, sortBy.Fields[0].Path, sortBy.Fields[0].Direction);

    private List<BsonDocument> ComputePartition(List<BsonDocument> docs, QueryContext context)
    {
        var results = new BsonValue[outputs.Count][];
        for (int f = 0; f < outputs.Count; f++)
        {
            results[f] = ComputeField(outputs[f], docs, context);
        }

        var output = new List<BsonDocument>(docs.Count);
        for (int i = 0; i < docs.Count; i++)
        {
            var copy = new BsonDocument(docs[i]);
            for (int f = 0; f < outputs.Count; f++)
            {
                SetPath(copy, outputs[f].Path.Split('.'), 0, results[f][i]);
            }

            output.Add(copy);
        }

        return output;
    }

    private static void SetPath(BsonDocument doc, string[] path, int i, BsonValue value)
    {
        if (i == path.Length - 1)
        {
            if (Values.IsMissing(value))
            {
                doc.Remove(path[i]);
            }
            else
            {
                doc.Set(path[i], value);
            }

            return;
        }

        var sub = doc.TryGetValue(path[i], out var v) && v is BsonDocument d ? new BsonDocument(d) : [];
        doc.Set(path[i], sub);
        SetPath(sub, path, i + 1, value);
    }

    private BsonValue[] ComputeField(OutputField field, List<BsonDocument> docs, QueryContext context)
    {
        int n = docs.Count;
        var result = new BsonValue[n];
        ExpressionScope Scope(int i) => new(docs[i], context);
        switch (field.Kind)
        {
            case Kind.DocumentNumber:
                for (int i = 0; i < n; i++)
                {
                    result[i] = Values.IntOrLong(i + 1);
                }

                return result;
            case Kind.Rank or Kind.DenseRank:
            {
                int rank = 0, dense = 0;
                BsonValue? prev = null;
                for (int i = 0; i < n; i++)
                {
                    var v = SortValue(docs[i]);
                    if (prev is null || Values.Compare(prev, v) != 0)
                    {
                        rank = i + 1;
                        dense++;
                        prev = v;
                    }

                    result[i] = Values.IntOrLong(field.Kind == Kind.Rank ? rank : dense);
                }

                return result;
            }

            case Kind.Shift:
                for (int i = 0; i < n; i++)
                {
                    long j = i + field.By;
                    result[i] = j >= 0 && j < n ? Values.NullIfMissing(field.Input!.Evaluate(Scope((int)j)))
                        : field.Default?.Evaluate(Scope(i)) ?? BsonNull.Value;
                }

                return result;
            case Kind.ExpMovingAvg:
            {
                double? avg = null;
                for (int i = 0; i < n; i++)
                {
                    var v = field.Input!.Evaluate(Scope(i));
                    if (v.IsNumeric)
                    {
                        avg = avg is null ? v.ToDouble() : field.Alpha!.Value * v.ToDouble() + (1 - field.Alpha.Value) * avg.Value;
                        result[i] = new BsonDouble(avg.Value);
                    }
                    else
                    {
                        result[i] = avg is null ? BsonNull.Value : new BsonDouble(avg.Value);
                    }
                }

                return result;
            }

            case Kind.Locf:
            {
                BsonValue last = BsonNull.Value;
                for (int i = 0; i < n; i++)
                {
                    var v = field.Input!.Evaluate(Scope(i));
                    if (!Values.IsNullish(v))
                    {
                        last = v;
                    }

                    result[i] = last;
                }

                return result;
            }

            case Kind.LinearFill:
            {
                var ys = new BsonValue[n];
                for (int i = 0; i < n; i++)
                {
                    ys[i] = field.Input!.Evaluate(Scope(i));
                }

                for (int i = 0; i < n; i++)
                {
                    if (!Values.IsNullish(ys[i]))
                    {
                        result[i] = ys[i];
                        continue;
                    }

                    int a = i - 1, b = i + 1;
                    while (a >= 0 && Values.IsNullish(ys[a]))
                    {
                        a--;
                    }

                    while (b < n && Values.IsNullish(ys[b]))
                    {
                        b++;
                    }

                    if (a < 0 || b >= n)
                    {
                        result[i] = BsonNull.Value;
                        continue;
                    }

                    double xa = XOf(docs[a], null), xb = XOf(docs[b], null), xi = XOf(docs[i], null);
                    double ya = ys[a].ToDouble(), yb = ys[b].ToDouble();
                    result[i] = new BsonDouble(ya + (yb - ya) * (xi - xa) / (xb - xa));
                }

                return result;
            }
        }

        // Windowed functions: accumulators, $derivative, $integral, covariance.
        for (int i = 0; i < n; i++)
        {
            var (lo, hi) = Bounds(field.Window, docs, i);
            result[i] = field.Kind switch
            {
                Kind.Accumulator => Accumulate(field, docs, lo, hi, context),
                Kind.Derivative => Derivative(field, docs, lo, hi, context),
                Kind.Integral => Integral(field, docs, lo, hi, context),
                _ => Covariance(field, docs, lo, hi, context),
            };
        }

        return result;
    }

    private static BsonValue Accumulate(OutputField field, List<BsonDocument> docs, int lo, int hi, QueryContext context)
    {
        var acc = field.Accumulator!.Create();
        for (int j = lo; j <= hi; j++)
        {
            acc.Add(field.Accumulator.Input.Evaluate(new ExpressionScope(docs[j], context)));
        }

        return acc.Result();
    }

    private double XOf(BsonDocument doc, string? unit, Kind kind = Kind.Accumulator)
    {
        var v = SortValue(doc);
        bool derivative = kind == Kind.Derivative;
        if (v is BsonDateTime dt)
        {
            if (unit is null && kind is Kind.Derivative or Kind.Integral)
            {
                throw new MongoException(derivative ? 5624901 : 5423902, $"{(derivative ? "$derivative" : "$integral")} where the sortBy is a Date requires a 'unit'");
            }

            double ms = dt.MillisecondsSinceEpoch;
            return unit is null ? ms : ms / UnitMs(unit);
        }

        if (unit is not null)
        {
            throw new MongoException(derivative ? 5624900 : 5423901, $"{(derivative ? "$derivative" : "$integral")} with unit expects the sortBy field to be a Date");
        }

        return v.IsNumeric ? v.ToDouble() : throw new MongoException(5429513, $"Invalid range: Expected the sortBy field to be a number, but it was {Values.TypeName(v)}");
    }

    private static double UnitMs(string unit) => unit switch
    {
        "week" => 604_800_000,
        "day" => 86_400_000,
        "hour" => 3_600_000,
        "minute" => 60_000,
        "second" => 1000,
        "millisecond" => 1,
        _ => throw new MongoException(5490704, $"unit must be a fixed-length unit (week and smaller), found: {unit}"),
    };

    private BsonValue Derivative(OutputField field, List<BsonDocument> docs, int lo, int hi, QueryContext context)
    {
        if (hi <= lo)
        {
            return BsonNull.Value;
        }

        var y1 = field.Input!.Evaluate(new ExpressionScope(docs[lo], context));
        var y2 = field.Input.Evaluate(new ExpressionScope(docs[hi], context));
        if (!y1.IsNumeric || !y2.IsNumeric)
        {
            return BsonNull.Value;
        }

        double dx = XOf(docs[hi], field.Unit, field.Kind) - XOf(docs[lo], field.Unit, field.Kind);
        return dx == 0 ? BsonNull.Value : new BsonDouble((y2.ToDouble() - y1.ToDouble()) / dx);
    }

    private BsonValue Integral(OutputField field, List<BsonDocument> docs, int lo, int hi, QueryContext context)
    {
        double sum = 0;
        for (int j = lo; j < hi; j++)
        {
            var y1 = field.Input!.Evaluate(new ExpressionScope(docs[j], context));
            var y2 = field.Input.Evaluate(new ExpressionScope(docs[j + 1], context));
            if (!y1.IsNumeric || !y2.IsNumeric)
            {
                continue;
            }

            sum += (y1.ToDouble() + y2.ToDouble()) / 2 * (XOf(docs[j + 1], field.Unit, field.Kind) - XOf(docs[j], field.Unit, field.Kind));
        }

        return new BsonDouble(sum);
    }

    private static BsonValue Covariance(OutputField field, List<BsonDocument> docs, int lo, int hi, QueryContext context)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (int j = lo; j <= hi; j++)
        {
            var scope = new ExpressionScope(docs[j], context);
            var x = field.Input!.Evaluate(scope);
            var y = field.Input2!.Evaluate(scope);
            if (x.IsNumeric && y.IsNumeric)
            {
                xs.Add(x.ToDouble());
                ys.Add(y.ToDouble());
            }
        }

        bool sample = field.Kind == Kind.CovarianceSamp;
        if (xs.Count == 0 || (sample && xs.Count < 2))
        {
            return BsonNull.Value;
        }

        double mx = xs.Average(), my = ys.Average(), c = 0;
        for (int i = 0; i < xs.Count; i++)
        {
            c += (xs[i] - mx) * (ys[i] - my);
        }

        return new BsonDouble(c / (sample ? xs.Count - 1 : xs.Count));
    }

    /// <summary>The inclusive index range of document i's window (empty when lo &gt; hi).</summary>
    private (int Lo, int Hi) Bounds(WindowBounds? window, List<BsonDocument> docs, int i)
    {
        int n = docs.Count;
        if (window is null)
        {
            return (0, n - 1);
        }

        if (!window.IsRange)
        {
            int lo = window.Lower is BsonString { Value: "unbounded" } ? 0 : window.Lower is BsonString ? i : (int)Math.Clamp(i + window.Lower.ToInt64(), -1L, n);
            int hi = window.Upper is BsonString { Value: "unbounded" } ? n - 1 : window.Upper is BsonString ? i : (int)Math.Clamp(i + window.Upper.ToInt64(), -1L, n);
            return (Math.Max(lo, 0), Math.Min(hi, n - 1));
        }

        double x = XOf(docs[i], null);
        double unitMs = window.Unit is null ? 1 : UnitMs(window.Unit);
        double lower = window.Lower is BsonString { Value: "unbounded" } ? double.NegativeInfinity
            : window.Lower is BsonString ? x : x + window.Lower.ToDouble() * unitMs;
        double upper = window.Upper is BsonString { Value: "unbounded" } ? double.PositiveInfinity
            : window.Upper is BsonString ? x : x + window.Upper.ToDouble() * unitMs;
        // Value-based: the documents whose sort value lies in [lower, upper] (contiguous in either sort direction);
        // a "current" bound is the current document's position, not its value (ties beyond it are excluded).
        int l = -1, h = -2;
        for (int j = 0; j < n; j++)
        {
            double xj = XOf(docs[j], null);
            if (xj >= lower && xj <= upper)
            {
                if (l < 0)
                {
                    l = j;
                }

                h = j;
            }
        }

        if (l < 0)
        {
            return (0, -1);
        }

        if (window.Lower is BsonString { Value: "current" })
        {
            l = i;
        }

        if (window.Upper is BsonString { Value: "current" })
        {
            h = i;
        }

        return (l, h);
    }
}
