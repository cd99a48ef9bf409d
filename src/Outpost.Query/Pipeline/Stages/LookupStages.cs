using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>Equality lookups: all values at a path with find-language array expansion, and a hash index over them.</summary>
internal static class JoinValues
{
    /// <summary>Values a filter <c>{ path: v }</c> would compare: leaves, array elements and arrays themselves; missing → null.</summary>
    public static List<BsonValue> At(BsonValue doc, string[] path)
    {
        var result = new List<BsonValue>();
        Collect(doc, path, 0, result);
        if (result.Count == 0)
        {
            result.Add(BsonNull.Value);
        }

        return result;
    }

    private static void Collect(BsonValue v, string[] path, int i, List<BsonValue> output)
    {
        if (i == path.Length)
        {
            output.Add(v);
            if (v is BsonArray arr)
            {
                output.AddRange(arr);
            }

            return;
        }

        switch (v)
        {
            case BsonDocument d when d.TryGetValue(path[i], out var next):
                Collect(next, path, i + 1, output);
                break;
            case BsonArray a:
                foreach (var e in a)
                {
                    if (e is BsonDocument)
                    {
                        Collect(e, path, i, output);
                    }
                }

                break;
        }
    }

    /// <summary>Index of documents by every value at <paramref name="path"/>; each document listed once per key, in order.</summary>
    public static Dictionary<BsonValue, List<int>> Index(List<BsonDocument> docs, string[] path)
    {
        var index = new Dictionary<BsonValue, List<int>>(BsonComparer.Instance);
        for (int i = 0; i < docs.Count; i++)
        {
            foreach (var v in At(docs[i], path))
            {
                var key = Values.IsMissing(v) ? BsonNull.Value : v;
                if (!index.TryGetValue(key, out var list))
                {
                    index[key] = list = [];
                }

                if (list.Count == 0 || list[^1] != i)
                {
                    list.Add(i);
                }
            }
        }

        return index;
    }

    /// <summary>Documents whose indexed values match any of <paramref name="keys"/>, in collection order, each once.</summary>
    public static List<BsonDocument> Match(List<BsonDocument> docs, Dictionary<BsonValue, List<int>> index, IEnumerable<BsonValue> keys)
    {
        var hits = new SortedSet<int>();
        foreach (var k in keys)
        {
            if (index.TryGetValue(Values.IsMissing(k) ? BsonNull.Value : k, out var list))
            {
                hits.UnionWith(list);
            }
        }

        return [.. hits.Select(i => docs[i])];
    }
}

/// <summary>$lookup: equality form, pipeline form with let, or both.</summary>
internal sealed class LookupStage(
    string? database, string from, string[]? localField, string[]? foreignField, string asField,
    List<(string Name, AggregationExpression Value)> let, BsonArray? pipeline) : PipelineStage
{
    public override string Name => "$lookup";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        List<BsonDocument>? foreign = null;
        Dictionary<BsonValue, List<int>>? index = null;
        var compiled = new Dictionary<BsonValue, PipelineStage[]>(BsonComparer.Instance);
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            foreign ??= await AsyncSequence.ToListAsync(runtime.Host.ReadCollectionAsync(database, from, null, ct), ct).ConfigureAwait(false);
            List<BsonDocument> matched;
            if (localField is not null)
            {
                index ??= JoinValues.Index(foreign, foreignField!);
                var localValues = JoinValues.At(doc, localField);
                matched = JoinValues.Match(foreign, index, localValues);
            }
            else
            {
                matched = foreign;
            }

            BsonArray joined;
            if (pipeline is not null)
            {
                var scope = new ExpressionScope(doc, runtime.Context);
                var vars = runtime.Context.Variables is { } v ? new BsonDocument(v) : [];
                foreach (var (n, e) in let)
                {
                    vars.Set(n, Values.NullIfMissing(e.Evaluate(scope)));
                }

                var innerContext = WithVariables(runtime.Context, vars);
                // Sub-pipelines see the let values as constants: compile once per distinct set of values (bounded cache).
                if (!compiled.TryGetValue(vars, out var stages))
                {
                    stages = StageCompiler.CompileAll(pipeline, innerContext, runtime.HostOrNull, nested: true);
                    if (compiled.Count < 1024)
                    {
                        compiled[vars] = stages;
                    }
                }

                var output = AggregationPipeline.Run(stages, AsyncSequence.From(matched, ct), new StageRuntime(innerContext, runtime.HostOrNull), ct);
                joined = [.. await AsyncSequence.ToListAsync(output, ct).ConfigureAwait(false)];
            }
            else
            {
                joined = [.. matched];
            }

            yield return SetDotted(doc, asField, joined);
        }
    }

    internal static QueryContext WithVariables(QueryContext c, BsonDocument vars) => new()
    {
        Collation = c.Collation,
        Variables = vars,
        Now = c.Now,
        ClusterTime = c.ClusterTime,
        MemoryLimitBytes = c.MemoryLimitBytes,
        AllowDiskUse = c.AllowDiskUse,
        TempDirectory = c.TempDirectory,
    };

    private static BsonDocument SetDotted(BsonDocument doc, string path, BsonValue value)
    {
        var parts = path.Split('.');
        var copy = new BsonDocument(doc);
        var current = copy;
        for (int i = 0; i < parts.Length - 1; i++)
        {
            var next = current.TryGetValue(parts[i], out var v) && v is BsonDocument d ? new BsonDocument(d) : [];
            current.Set(parts[i], next);
            current = next;
        }

        current.Set(parts[^1], value);
        return copy;
    }
}

/// <summary>$graphLookup: breadth-first search over a collection, with maxDepth, depthField and restrictSearchWithMatch.</summary>
internal sealed class GraphLookupStage(
    string? database, string from, AggregationExpression startWith, string[] connectFrom, string[] connectTo, string asField,
    long? maxDepth, string? depthField, QueryFilter? restrict) : PipelineStage
{
    public override string Name => "$graphLookup";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        List<BsonDocument>? foreign = null;
        Dictionary<BsonValue, List<int>>? index = null;
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            if (foreign is null)
            {
                foreign = await AsyncSequence.ToListAsync(runtime.Host.ReadCollectionAsync(database, from, null, ct), ct).ConfigureAwait(false);
                if (restrict is not null)
                {
                    foreign = [.. foreign.Where(restrict.Matches)];
                }

                index = JoinValues.Index(foreign, connectTo);
            }

            var start = startWith.Evaluate(new ExpressionScope(doc, runtime.Context));
            var frontier = start is BsonArray sa ? sa.ToList() : [Values.NullIfMissing(start)];
            var visited = new HashSet<int>();
            var results = new BsonArray();
            for (long depth = 0; frontier.Count > 0 && (maxDepth is null || depth <= maxDepth); depth++)
            {
                var next = new List<BsonValue>();
                foreach (var hit in JoinValues.Match(foreign, index!, frontier))
                {
                    int id = foreign.IndexOf(hit);
                    if (!visited.Add(id))
                    {
                        continue;
                    }

                    var found = hit;
                    if (depthField is not null)
                    {
                        found = new BsonDocument(hit);
                        found.Set(depthField, new BsonInt64(depth));
                    }

                    results.Add(found);
                    foreach (var v in JoinValues.At(hit, connectFrom))
                    {
                        if (v is not BsonArray)
                        {
                            next.Add(v);
                        }
                    }
                }

                frontier = next;
            }

            var copy = new BsonDocument(doc);
            copy.Set(asField, results);
            yield return copy;
        }
    }
}

/// <summary>$unionWith: the input, then another collection's documents through an optional pipeline.</summary>
internal sealed class UnionWithStage(string? database, string collection, BsonArray? pipeline) : PipelineStage
{
    public override string Name => "$unionWith";

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return doc;
        }

        IAsyncEnumerable<BsonDocument> other = runtime.Host.ReadCollectionAsync(database, collection, null, ct);
        if (pipeline is not null)
        {
            other = AggregationPipeline.Run(StageCompiler.CompileAll(pipeline, runtime.Context, runtime.HostOrNull, nested: true), other, runtime, ct);
        }

        await foreach (var doc in other.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return doc;
        }
    }
}
