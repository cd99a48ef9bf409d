using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>$match through the filter engine (QueryFilter).</summary>
internal sealed class MatchStage(QueryFilter filter) : PipelineStage
{
    public override string Name => "$match";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            if (filter.Matches(doc))
            {
                yield return doc;
            }
        }
    }
}

/// <summary>$project (inclusion/exclusion/computed), $addFields/$set, $unset.</summary>
internal sealed class ProjectStage(string name, ProjectionTree tree, bool addFields) : PipelineStage
{
    public override string Name => name;

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            var scope = new ExpressionScope(doc, runtime.Context);
            yield return addFields ? tree.ApplyAddFields(doc, scope)
                : tree.IsInclusion ? tree.ApplyInclusion(doc, scope, top: true)
                : tree.ApplyExclusion(doc);
        }
    }
}

/// <summary>$replaceRoot / $replaceWith.</summary>
internal sealed class ReplaceRootStage(string name, AggregationExpression newRoot) : PipelineStage
{
    public override string Name => name;

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            var v = newRoot.Evaluate(new ExpressionScope(doc, runtime.Context));
            if (v is not BsonDocument d)
            {
                throw new MongoException(40228, $"'newRoot' expression must evaluate to an object, but resulting value was: {Values.Display(v)}. Type of resulting value: '{Values.TypeName(v)}'. Input document: {doc}");
            }

            yield return d;
        }
    }
}

/// <summary>$limit and $skip.</summary>
internal sealed class LimitSkipStage(bool isLimit, long n) : PipelineStage
{
    public override string Name => isLimit ? "$limit" : "$skip";

    public bool IsLimit => isLimit;

    public long Count => n;

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        long seen = 0;
        if (isLimit && n == 0)
        {
            yield break;
        }

        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            seen++;
            if (isLimit)
            {
                yield return doc;
                if (seen >= n)
                {
                    yield break;
                }
            }
            else if (seen > n)
            {
                yield return doc;
            }
        }
    }
}

/// <summary>$unwind with includeArrayIndex and preserveNullAndEmptyArrays.</summary>
internal sealed class UnwindStage(string[] path, string? indexField, bool preserve) : PipelineStage
{
    public override string Name => "$unwind";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            // $unwind reads the path without mapping through arrays of documents: only a direct value counts.
            var value = DirectValue(doc, path);
            if (value is BsonArray arr && arr.Count > 0)
            {
                for (int i = 0; i < arr.Count; i++)
                {
                    var copy = SetPath(doc, path, 0, arr[i]);
                    if (indexField is not null)
                    {
                        copy = SetTop(copy, indexField, new BsonInt64(i));
                    }

                    yield return copy;
                }
            }
            else if (value is BsonArray || Values.IsNullish(value))
            {
                if (preserve)
                {
                    var copy = value is BsonArray ? RemovePath(doc, path, 0) : doc;
                    if (indexField is not null)
                    {
                        copy = SetTop(copy, indexField, BsonNull.Value);
                    }

                    yield return copy;
                }
            }
            else
            {
                // A non-array value is treated as a single-element array.
                yield return indexField is null ? doc : SetTop(doc, indexField, BsonNull.Value);
            }
        }
    }

    private static BsonValue DirectValue(BsonDocument doc, string[] path)
    {
        BsonValue current = doc;
        foreach (var p in path)
        {
            if (current is not BsonDocument d || !d.TryGetValue(p, out var next))
            {
                return Values.Missing;
            }

            current = next;
        }

        return current;
    }

    private static BsonDocument SetTop(BsonDocument doc, string name, BsonValue value)
    {
        var copy = new BsonDocument(doc);
        copy.Set(name, value);
        return copy;
    }

    internal static BsonDocument SetPath(BsonDocument doc, string[] path, int i, BsonValue value)
    {
        var copy = new BsonDocument(doc);
        if (i == path.Length - 1)
        {
            copy.Set(path[i], value);
        }
        else
        {
            copy.Set(path[i], SetPath((BsonDocument)doc[path[i]], path, i + 1, value));
        }

        return copy;
    }

    private static BsonDocument RemovePath(BsonDocument doc, string[] path, int i)
    {
        var copy = new BsonDocument(doc);
        if (i == path.Length - 1)
        {
            copy.Remove(path[i]);
        }
        else
        {
            copy.Set(path[i], RemovePath((BsonDocument)doc[path[i]], path, i + 1));
        }

        return copy;
    }
}

/// <summary>$redact: $$DESCEND / $$PRUNE / $$KEEP evaluated at each document level.</summary>
internal sealed class RedactStage(AggregationExpression expression) : PipelineStage
{
    public override string Name => "$redact";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            var scope = new ExpressionScope(doc, runtime.Context);
            var result = Redact(doc, scope);
            if (result is not null)
            {
                yield return result;
            }
        }
    }

    private BsonDocument? Redact(BsonDocument doc, ExpressionScope root)
    {
        var decision = expression.Evaluate(root.WithCurrent(doc));
        if (ReferenceEquals(decision, VariableExpression.RedactKeep))
        {
            return doc;
        }

        if (ReferenceEquals(decision, VariableExpression.RedactPrune))
        {
            return null;
        }

        if (!ReferenceEquals(decision, VariableExpression.RedactDescend))
        {
            throw new MongoException(17053, $"$redact's expression should not return anything aside from the variables $$KEEP, $$DESCEND, and $$PRUNE, but returned {Values.Display(decision)}");
        }

        var result = new BsonDocument();
        foreach (var e in doc)
        {
            switch (e.Value)
            {
                case BsonDocument sub:
                    var r = Redact(sub, root);
                    if (r is not null)
                    {
                        result.Add(e.Name, r);
                    }

                    break;
                case BsonArray arr:
                    result.Add(e.Name, RedactArray(arr, root));
                    break;
                default:
                    result.Add(e.Name, e.Value);
                    break;
            }
        }

        return result;
    }

    private BsonArray RedactArray(BsonArray arr, ExpressionScope root)
    {
        var result = new BsonArray();
        foreach (var v in arr)
        {
            switch (v)
            {
                case BsonDocument d:
                    var r = Redact(d, root);
                    if (r is not null)
                    {
                        result.Add(r);
                    }

                    break;
                case BsonArray a:
                    result.Add(RedactArray(a, root));
                    break;
                default:
                    result.Add(v);
                    break;
            }
        }

        return result;
    }
}

/// <summary>$sample: a uniform random sample of at most size documents (reservoir sampling, output in random order).</summary>
internal sealed class SampleStage(long size) : PipelineStage
{
    public override string Name => "$sample";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var reservoir = new List<BsonDocument>();
        long seen = 0;
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            seen++;
            if (reservoir.Count < size)
            {
                reservoir.Add(doc);
            }
            else
            {
                long j = Random.Shared.NextInt64(seen);
                if (j < size)
                {
                    reservoir[(int)j] = doc;
                }
            }
        }

        var items = reservoir.ToArray();
        Random.Shared.Shuffle(items);
        foreach (var d in items)
        {
            yield return d;
        }
    }
}

/// <summary>$documents: literal documents (an expression evaluating to an array of objects); input is ignored.</summary>
internal sealed class DocumentsStage(AggregationExpression documents) : PipelineStage
{
    public override string Name => "$documents";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var v = documents.Evaluate(new ExpressionScope([], runtime.Context));
        if (v is not BsonArray arr)
        {
            throw new MongoException(5858203, "an array is expected");
        }

        foreach (var d in arr)
        {
            yield return d as BsonDocument ?? throw new MongoException(40228, "'newRoot' expression must evaluate to an object");
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

/// <summary>A stage the host runs ($out, $merge, $geoNear, $changeStream, $collStats, …).</summary>
internal sealed class HostStage(string name, BsonValue spec) : PipelineStage
{
    public override string Name => name;

    public override IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, CancellationToken ct) =>
        runtime.Host.ExecuteStageAsync(name, spec, input, ct);
}

/// <summary>$facet: runs each sub-pipeline over the same (buffered) input; outputs one document of arrays.</summary>
internal sealed class FacetStage(List<(string Name, PipelineStage[] Stages)> facets) : PipelineStage
{
    public override string Name => "$facet";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var docs = await AsyncSequence.ToListAsync(input, ct).ConfigureAwait(false);
        var result = new BsonDocument();
        foreach (var (name, stages) in facets)
        {
            var output = AggregationPipeline.Run(stages, AsyncSequence.From(docs, ct), runtime, ct);
            var arr = new BsonArray();
            await foreach (var d in output.WithCancellation(ct).ConfigureAwait(false))
            {
                arr.Add(d);
            }

            result.Add(name, arr);
        }

        yield return result;
    }
}
