using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Accumulators;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>$bucket (compiled to $group + $sort) and $bucketAuto.</summary>
internal static class BucketStages
{
    private static List<(string, AccumulatorSpec)> ParseOutput(BsonValue? output, CompileContext ctx, string stage)
    {
        var list = new List<(string, AccumulatorSpec)>();
        if (output is null)
        {
            list.Add(("count", AccumulatorSpec.Parse("$sum", 1, ctx)));
            return list;
        }

        if (output is not BsonDocument od)
        {
            throw new MongoException(40196, $"The $bucket 'output' field must be an object, but found type: {Values.TypeName(output)}.");
        }

        foreach (var e in od)
        {
            if (e.Value is not BsonDocument acc || acc.ElementCount != 1)
            {
                throw new MongoException(40234, $"The field '{e.Name}' must be an accumulator object");
            }

            list.Add((e.Name, AccumulatorSpec.Parse(acc.GetElement(0).Name, acc.GetElement(0).Value, ctx)));
        }

        return list;
    }

    public static PipelineStage[] CompileBucket(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(40201, $"Argument to $bucket stage must be an object, but found type: {Values.TypeName(spec)}.");
        }

        BsonValue? groupBy = null, output = null, dflt = null;
        BsonArray? boundaries = null;
        foreach (var e in doc)
        {
            switch (e.Name)
            {
                case "groupBy": groupBy = e.Value; break;
                case "boundaries":
                    boundaries = e.Value as BsonArray ?? throw new MongoException(40200, $"The $bucket 'boundaries' field must be an array, but found type: {Values.TypeName(e.Value)}.");
                    break;
                case "default": dflt = e.Value; break;
                case "output": output = e.Value; break;
                default: throw new MongoException(40197, $"Unrecognized option to $bucket: {e.Name}.");
            }
        }

        if (groupBy is null || boundaries is null)
        {
            throw new MongoException(40198, "$bucket requires 'groupBy' and 'boundaries' to be specified.");
        }

        if (groupBy is not (BsonDocument or BsonString { Value: ['$', ..] }))
        {
            throw new MongoException(40202, $"The $bucket 'groupBy' field must be defined as a $-prefixed path or an expression, but found: {groupBy}.");
        }

        if (boundaries.Count < 2)
        {
            throw new MongoException(40192, $"The $bucket 'boundaries' field must have at least 2 values, but found {boundaries.Count} value(s).");
        }

        for (int i = 1; i < boundaries.Count; i++)
        {
            if (BsonComparer.GetBracket(boundaries[i].Type) != BsonComparer.GetBracket(boundaries[i - 1].Type))
            {
                throw new MongoException(40193, $"All values in the the 'boundaries' option to $bucket must have the same type. Found conflicting types {Values.TypeName(boundaries[i - 1])} and {Values.TypeName(boundaries[i])}.");
            }

            if (Values.Compare(boundaries[i - 1], boundaries[i]) >= 0)
            {
                throw new MongoException(40194, $"The 'boundaries' option to $bucket must be sorted in ascending order, but elements {i - 1} and {i} are not in ascending order ({boundaries[i - 1]} is not less than {boundaries[i]}).");
            }
        }

        if (dflt is not null && Values.Compare(dflt, boundaries[0]) >= 0 && Values.Compare(dflt, boundaries[^1]) < 0
            && BsonComparer.GetBracket(dflt.Type) == BsonComparer.GetBracket(boundaries[0].Type))
        {
            throw new MongoException(40199, "The $bucket 'default' field must be less than the lowest boundary or greater than or equal to the highest boundary.");
        }

        var ctx = new CompileContext(context);
        var groupExpr = ExpressionCompiler.Compile(groupBy, ctx);
        var bounds = boundaries.ToArray();
        var key = new LazyExpression(s =>
        {
            var v = Values.NullIfMissing(groupExpr.Evaluate(s));
            if (BsonComparer.GetBracket(v.Type) == BsonComparer.GetBracket(bounds[0].Type)
                && Values.Compare(v, bounds[0]) >= 0 && Values.Compare(v, bounds[^1]) < 0)
            {
                int lo = 0, hi = bounds.Length - 1;
                while (hi - lo > 1)
                {
                    int mid = (lo + hi) / 2;
                    if (Values.Compare(v, bounds[mid]) >= 0)
                    {
                        lo = mid;
                    }
                    else
                    {
                        hi = mid;
                    }
                }

                return bounds[lo];
            }

            return dflt ?? throw new MongoException(40066, "$switch could not find a matching branch for an input, and no default was specified.");
        });
        return
        [
            new GroupStage("$bucket", key, ParseOutput(output, ctx, "$bucket")),
            new SortStage(SortKey.Parse(new BsonDocument("_id", 1), "$sort")),
        ];
    }

    public static PipelineStage CompileBucketAuto(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(40240, $"The argument to $bucketAuto must be an object, but found type: {Values.TypeName(spec)}.");
        }

        BsonValue? groupBy = null, output = null;
        GranularityRounder? rounder = null;
        long buckets = 0;
        foreach (var e in doc)
        {
            switch (e.Name)
            {
                case "groupBy": groupBy = e.Value; break;
                case "buckets":
                    if (!Values.TryGetInt(e.Value, out int b))
                    {
                        throw new MongoException(40242, $"The $bucketAuto 'buckets' field must be a numeric value, but found type: {Values.TypeName(e.Value)}.");
                    }

                    if (b <= 0)
                    {
                        throw new MongoException(40243, $"The $bucketAuto 'buckets' field must be greater than 0, but found: {b}.");
                    }

                    buckets = b;
                    break;
                case "output": output = e.Value; break;
                case "granularity":
                    rounder = e.Value is BsonString g
                        ? GranularityRounder.Get(g.Value)
                        : throw new MongoException(40261, $"The $bucketAuto 'granularity' field must be a string, but found type: {Values.TypeName(e.Value)}.");
                    break;
                default:
                    throw new MongoException(40245, $"Unrecognized option to $bucketAuto: {e.Name}.");
            }
        }

        if (groupBy is null || buckets == 0)
        {
            throw new MongoException(40246, "$bucketAuto requires 'groupBy' and 'buckets' to be specified");
        }

        var ctx = new CompileContext(context);
        return new BucketAutoStage(ExpressionCompiler.Compile(groupBy, ctx), buckets, ParseOutput(output, ctx, "$bucketAuto"), rounder);
    }
}

/// <summary>$bucketAuto: sorts by the groupBy value (through the spilling $sort) and cuts into buckets of about n/buckets documents.</summary>
internal sealed class BucketAutoStage(
    AggregationExpression groupBy, long buckets, List<(string Field, AccumulatorSpec Spec)> output, GranularityRounder? rounder = null) : PipelineStage
{
    public override string Name => "$bucketAuto";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        long count = 0;
        async IAsyncEnumerable<BsonDocument> Wrap([EnumeratorCancellation] CancellationToken token = default)
        {
            await foreach (var d in input.WithCancellation(token).ConfigureAwait(false))
            {
                count++;
                var v = Values.NullIfMissing(groupBy.Evaluate(new ExpressionScope(d, runtime.Context)));
                if (rounder is not null)
                {
                    GranularityRounder.Validate(v);
                }

                yield return new BsonDocument { { "k", new BsonDocument("v", v) }, { "d", d } };
            }
        }

        var sorted = new SortStage(SortKey.Parse(new BsonDocument("k", 1), "$sort")).ExecuteAsync(Wrap(ct), runtime, ct);
        var pending = new List<BsonDocument>();
        await foreach (var w in sorted.WithCancellation(ct).ConfigureAwait(false))
        {
            pending.Add(w);
        }

        // The sort drained the input, so count is known; buckets hold about count/buckets documents and never split equal values.
        long approx = (long)Math.Round((double)count / buckets, MidpointRounding.AwayFromZero);
        approx = Math.Max(approx, 1);
        if (rounder is not null)
        {
            foreach (var result in RoundedBuckets(pending, approx, rounder, runtime))
            {
                yield return result;
            }

            yield break;
        }

        int i = 0;
        var bucketList = new List<(BsonValue Min, BsonValue Max, Accumulator[] Accs)>();
        while (i < pending.Count && bucketList.Count < buckets)
        {
            var accs = output.Select(o => o.Spec.Create()).ToArray();
            BsonValue min = pending[i]["k"].AsDocument["v"], max = min;
            long n = 0;
            bool last = bucketList.Count == buckets - 1;
            while (i < pending.Count && (last || n < approx || Values.Compare(pending[i]["k"].AsDocument["v"], max) == 0))
            {
                var d = pending[i]["d"].AsDocument;
                var scope = new ExpressionScope(d, runtime.Context);
                for (int a = 0; a < accs.Length; a++)
                {
                    accs[a].Add(output[a].Spec.Input.Evaluate(scope));
                }

                max = pending[i]["k"].AsDocument["v"];
                n++;
                i++;
            }

            bucketList.Add((min, max, accs));
        }

        for (int b = 0; b < bucketList.Count; b++)
        {
            var (min, max, accs) = bucketList[b];
            var id = new BsonDocument { { "min", min }, { "max", b + 1 < bucketList.Count ? bucketList[b + 1].Min : max } };
            var result = new BsonDocument("_id", id);
            for (int a = 0; a < accs.Length; a++)
            {
                result.Add(output[a].Field, accs[a].Result());
            }

            yield return result;
        }
    }

    /// <summary>
    /// MongoDB's bucketing with a granularity: each bucket takes about <paramref name="approx"/> documents (the last
    /// takes the rest), its maximum is rounded up and absorbs every following value below that boundary, and the
    /// next bucket starts at the previous maximum; the first minimum is rounded down. A maximum of 0 (all zeros)
    /// becomes the next value rounded down, so boundaries stay exclusive.
    /// </summary>
    private IEnumerable<BsonDocument> RoundedBuckets(List<BsonDocument> pending, long approx, GranularityRounder rounder, StageRuntime runtime)
    {
        BsonValue Key(int index) => pending[index]["k"].AsDocument["v"];
        int i = 0, made = 0;
        BsonValue? previousMax = null;
        while (i < pending.Count)
        {
            var accs = output.Select(o => o.Spec.Create()).ToArray();
            void Add(int index)
            {
                var scope = new ExpressionScope(pending[index]["d"].AsDocument, runtime.Context);
                for (int a = 0; a < accs.Length; a++)
                {
                    accs[a].Add(output[a].Spec.Input.Evaluate(scope));
                }
            }

            BsonValue min = previousMax ?? rounder.RoundDown(Key(i));
            BsonValue max = Key(i);
            Add(i++);
            long n = 1;
            bool last = made == buckets - 1;
            while (i < pending.Count && (last || n < approx))
            {
                max = Key(i);
                Add(i++);
                n++;
            }

            var boundary = rounder.RoundUp(max);
            while (i < pending.Count && Values.Compare(Key(i), boundary) < 0)
            {
                Add(i++);
            }

            previousMax = boundary.ToDouble() == 0 && i < pending.Count ? rounder.RoundDown(Key(i)) : boundary;
            made++;
            var result = new BsonDocument("_id", new BsonDocument { { "min", min }, { "max", previousMax } });
            for (int a = 0; a < accs.Length; a++)
            {
                result.Add(output[a].Field, accs[a].Result());
            }

            yield return result;
        }
    }
}
