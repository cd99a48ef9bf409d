using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Accumulators;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>$sort: stable, in memory up to the limit, then sorted runs on disk merged at the end (allowDiskUse).</summary>
internal sealed class SortStage(IComparer<BsonDocument> key, long? limit = null) : PipelineStage
{
    /// <summary>A sort by a <see cref="SortKey"/> (internal sorts of $bucketAuto/$setWindowFields/$bucket).</summary>
    public SortStage(SortKey sortKey, long? limit = null)
        : this(Comparer<BsonDocument>.Create((a, b) => sortKey.Compare(a, b)), limit)
    {
    }

    public override string Name => "$sort";

    /// <summary>A copy that emits at most <paramref name="k"/> documents and keeps only that many in memory.</summary>
    public SortStage WithLimit(long k) => new(key, limit is { } l ? Math.Min(l, k) : k);

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var budget = new MemoryBudget(runtime.Context, "$sort");
        var buffer = new List<BsonDocument>();
        var runs = new List<SpillFile>();
        try
        {
            await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
            {
                buffer.Add(doc);
                budget.Add(SizeEstimator.Of(doc));
                if (limit is { } k && buffer.Count > k && (buffer.Count >= (2 * k) + 16 || budget.Exceeded))
                {
                    // $sort followed by $limit keeps only the top k (MongoDB's coalescing): memory stays bounded by k.
                    var top = StableSort(buffer);
                    top.RemoveRange((int)Math.Min(k, top.Count), top.Count - (int)Math.Min(k, top.Count));
                    buffer = top;
                    budget.Reset();
                    foreach (var kept in buffer)
                    {
                        budget.Add(SizeEstimator.Of(kept));
                    }
                }

                if (budget.MustSpill())
                {
                    runs.Add(await WriteRunAsync(StableSort(buffer), runtime.Context, ct).ConfigureAwait(false));
                    buffer.Clear();
                    budget.Reset();
                }
            }

            var sorted = StableSort(buffer);
            if (runs.Count == 0)
            {
                long emitted = 0;
                foreach (var d in sorted)
                {
                    if (limit is { } l && emitted++ >= l)
                    {
                        yield break;
                    }

                    yield return d;
                }

                yield break;
            }

            await foreach (var d in MergeAsync(runs, sorted, ct).ConfigureAwait(false))
            {
                yield return d;
            }
        }
        finally
        {
            foreach (var run in runs)
            {
                await run.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private List<BsonDocument> StableSort(List<BsonDocument> docs)
    {
        var indexed = new (BsonDocument Doc, int Index)[docs.Count];
        for (int i = 0; i < docs.Count; i++)
        {
            indexed[i] = (docs[i], i);
        }

        Array.Sort(indexed, (a, b) =>
        {
            int c = key.Compare(a.Doc, b.Doc);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        var result = new List<BsonDocument>(docs.Count);
        foreach (var (d, _) in indexed)
        {
            result.Add(d);
        }

        return result;
    }

    private static async Task<SpillFile> WriteRunAsync(List<BsonDocument> sorted, QueryContext context, CancellationToken ct)
    {
        var file = new SpillFile(context);
        foreach (var d in sorted)
        {
            await file.WriteAsync(d, ct).ConfigureAwait(false);
        }

        await file.CompleteAsync().ConfigureAwait(false);
        return file;
    }

    /// <summary>K-way merge of the runs and the in-memory tail; ties go to the earlier run (keeps the sort stable).</summary>
    private async IAsyncEnumerable<BsonDocument> MergeAsync(List<SpillFile> runs, List<BsonDocument> tail, [EnumeratorCancellation] CancellationToken ct)
    {
        var readers = runs.Select(r => r.OpenReader()).ToList();
        try
        {
            var queue = new PriorityQueue<(BsonDocument Doc, int Source), (BsonDocument Doc, int Source)>(
                Comparer<(BsonDocument Doc, int Source)>.Create((a, b) =>
                {
                    int c = key.Compare(a.Doc, b.Doc);
                    return c != 0 ? c : a.Source.CompareTo(b.Source);
                }));
            for (int i = 0; i < readers.Count; i++)
            {
                var d = await readers[i].ReadAsync(ct).ConfigureAwait(false);
                if (d is not null)
                {
                    queue.Enqueue((d, i), (d, i));
                }
            }

            int tailIndex = 0;
            if (tail.Count > 0)
            {
                queue.Enqueue((tail[0], readers.Count), (tail[0], readers.Count));
                tailIndex = 1;
            }

            long emitted = 0;
            while (queue.TryDequeue(out var item, out _))
            {
                if (limit is { } l && emitted++ >= l)
                {
                    yield break;
                }

                yield return item.Doc;
                BsonDocument? next;
                if (item.Source == readers.Count)
                {
                    next = tailIndex < tail.Count ? tail[tailIndex++] : null;
                }
                else
                {
                    next = await readers[item.Source].ReadAsync(ct).ConfigureAwait(false);
                }

                if (next is not null)
                {
                    queue.Enqueue((next, item.Source), (next, item.Source));
                }
            }
        }
        finally
        {
            foreach (var r in readers)
            {
                await r.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
