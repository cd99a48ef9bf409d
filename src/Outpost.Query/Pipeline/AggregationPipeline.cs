using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Pipeline.Stages;

namespace Outpost.Query.Pipeline;

/// <summary>
/// A compiled aggregation pipeline. Compile once, execute many times: <c>ExecuteAsync</c> streams where stages
/// allow it; blocking stages ($group, $sort, $bucketAuto, $setWindowFields) respect <see cref="QueryContext.MemoryLimitBytes"/>
/// and spill to temporary files when <see cref="QueryContext.AllowDiskUse"/> is set.
/// </summary>
public sealed class AggregationPipeline
{
    private readonly PipelineStage[] _stages;
    private readonly QueryContext _context;
    private readonly IPipelineHost? _host;

    private AggregationPipeline(PipelineStage[] stages, QueryContext context, IPipelineHost? host)
    {
        _stages = stages;
        _context = context;
        _host = host;
    }

    /// <summary>How many leading stages the host claimed (see <see cref="IPipelineHost.ClaimLeadingStages"/>).</summary>
    public int ClaimedStageCount { get; private init; }

    /// <summary>The stage names in order (after compile-time desugaring such as $sortByCount → $group + $sort).</summary>
    public IReadOnlyList<string> StageNames => [.. _stages.Select(s => s.Name)];

    /// <summary>Compiles <paramref name="stages"/>; throws <see cref="MongoException"/> with MongoDB's code for invalid stages.</summary>
    public static AggregationPipeline Compile(BsonArray stages, QueryContext context, IPipelineHost? host = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentNullException.ThrowIfNull(context);
        int claimed = host?.ClaimLeadingStages(stages) ?? 0;
        if (claimed < 0 || claimed > stages.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(host), claimed, "The host claimed more leading stages than the pipeline has.");
        }

        var remaining = claimed == 0 ? stages : new BsonArray(stages.Skip(claimed));
        return new AggregationPipeline(StageCompiler.CompileAll(remaining, context, host, nested: false), context, host) { ClaimedStageCount = claimed };
    }

    /// <summary>Runs the pipeline over <paramref name="input"/>.</summary>
    public IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Run(_stages, input, new StageRuntime(_context, _host), cancellationToken);
    }

    /// <summary>Runs the pipeline over an in-memory sequence.</summary>
    public IAsyncEnumerable<BsonDocument> ExecuteAsync(IEnumerable<BsonDocument> input, CancellationToken cancellationToken = default) =>
        ExecuteAsync(AsyncSequence.From(input), cancellationToken);

    internal static IAsyncEnumerable<BsonDocument> Run(PipelineStage[] stages, IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, CancellationToken ct)
    {
        var current = input;
        foreach (var stage in stages)
        {
            current = stage.ExecuteAsync(current, runtime, ct);
        }

        return current;
    }
}

/// <summary>Small async-sequence helpers (no System.Linq.Async dependency).</summary>
internal static class AsyncSequence
{
    public static async IAsyncEnumerable<BsonDocument> From(IEnumerable<BsonDocument> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            yield return item;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }

    public static async IAsyncEnumerable<BsonDocument> Empty()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    public static async Task<List<BsonDocument>> ToListAsync(IAsyncEnumerable<BsonDocument> source, CancellationToken ct)
    {
        var list = new List<BsonDocument>();
        await foreach (var d in source.WithCancellation(ct).ConfigureAwait(false))
        {
            list.Add(d);
        }

        return list;
    }
}
