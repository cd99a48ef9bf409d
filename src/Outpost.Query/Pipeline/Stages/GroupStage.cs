using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Accumulators;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>
/// $group (also the engine of $bucket, $sortByCount and $count). Groups are kept in first-seen order. Past the memory
/// limit with allowDiskUse, the groups' partial states are written as a run sorted by key, and at the end all runs are
/// merged by key, partials combined in input order.
/// </summary>
internal sealed class GroupStage(string name, AggregationExpression key, List<(string Field, AccumulatorSpec Spec)> accumulators) : PipelineStage
{
    public override string Name => name;

    private sealed class Group(BsonValue key, Accumulator[] accumulators)
    {
        public BsonValue Key { get; } = key;

        public Accumulator[] Accumulators { get; } = accumulators;
    }

    /// <summary>Computes the group key of a document (missing → null). Overridable through the constructor's expression.</summary>
    private BsonValue KeyOf(ExpressionScope scope) => Values.NullIfMissing(key.Evaluate(scope));

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var budget = new MemoryBudget(runtime.Context, "$group");
        var groups = new Dictionary<BsonValue, Group>(CollatedEqualityComparer.For(runtime.Context));
        var order = new List<Group>();
        var runs = new List<SpillFile>();
        try
        {
            await foreach (var doc in input.WithCancellation(ct).ConfigureAwait(false))
            {
                var scope = new ExpressionScope(doc, runtime.Context);
                var k = KeyOf(scope);
                if (!groups.TryGetValue(k, out var group))
                {
                    var accs = new Accumulator[accumulators.Count];
                    for (int i = 0; i < accs.Length; i++)
                    {
                        accs[i] = accumulators[i].Spec.Create();
                        budget.Add(accs[i].ApproximateSize);
                    }

                    group = new Group(k, accs);
                    groups.Add(k, group);
                    order.Add(group);
                    budget.Add(64 + SizeEstimator.Of(k));
                }

                for (int i = 0; i < accumulators.Count; i++)
                {
                    var acc = group.Accumulators[i];
                    long before = acc.ApproximateSize;
                    acc.Add(accumulators[i].Spec.Input.Evaluate(scope));
                    budget.Add(acc.ApproximateSize - before);
                }

                if (budget.MustSpill())
                {
                    runs.Add(await SpillAsync(order, runtime.Context, ct).ConfigureAwait(false));
                    groups.Clear();
                    order.Clear();
                    budget.Reset();
                }
            }

            if (runs.Count == 0)
            {
                foreach (var g in order)
                {
                    yield return Output(g.Key, g.Accumulators);
                }

                yield break;
            }

            if (order.Count > 0)
            {
                runs.Add(await SpillAsync(order, runtime.Context, ct).ConfigureAwait(false));
            }

            await foreach (var d in MergeRunsAsync(runs, ct).ConfigureAwait(false))
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

    private BsonDocument Output(BsonValue k, Accumulator[] accs)
    {
        var result = new BsonDocument(accs.Length + 1) { { "_id", k } };
        for (int i = 0; i < accs.Length; i++)
        {
            result.Add(accumulators[i].Field, accs[i].Result());
        }

        return result;
    }

    private static async Task<SpillFile> SpillAsync(List<Group> groups, QueryContext context, CancellationToken ct)
    {
        var sorted = groups.ToArray();
        Array.Sort(sorted, (a, b) => BsonComparer.Instance.Compare(a.Key, b.Key));
        var file = new SpillFile(context);
        foreach (var g in sorted)
        {
            var partials = new BsonArray(g.Accumulators.Length);
            foreach (var acc in g.Accumulators)
            {
                partials.Add(acc.GetPartial());
            }

            await file.WriteAsync(new BsonDocument { { "k", g.Key }, { "p", partials } }, ct).ConfigureAwait(false);
        }

        await file.CompleteAsync().ConfigureAwait(false);
        return file;
    }

    private async IAsyncEnumerable<BsonDocument> MergeRunsAsync(List<SpillFile> runs, [EnumeratorCancellation] CancellationToken ct)
    {
        var readers = runs.Select(r => r.OpenReader()).ToList();
        try
        {
            var queue = new PriorityQueue<(BsonDocument Doc, int Run), (BsonValue Key, int Run)>(
                Comparer<(BsonValue Key, int Run)>.Create((a, b) =>
                {
                    int c = BsonComparer.Instance.Compare(a.Key, b.Key);
                    return c != 0 ? c : a.Run.CompareTo(b.Run);
                }));
            for (int i = 0; i < readers.Count; i++)
            {
                var d = await readers[i].ReadAsync(ct).ConfigureAwait(false);
                if (d is not null)
                {
                    queue.Enqueue((d, i), (d["k"], i));
                }
            }

            BsonValue? currentKey = null;
            Accumulator[]? current = null;
            while (queue.TryDequeue(out var item, out _))
            {
                var k = item.Doc["k"];
                if (current is null || !BsonComparer.Instance.Equals(currentKey, k))
                {
                    if (current is not null)
                    {
                        yield return Output(currentKey!, current);
                    }

                    currentKey = k;
                    current = accumulators.Select(a => a.Spec.Create()).ToArray();
                }

                var partials = item.Doc["p"].AsArray;
                for (int i = 0; i < current.Length; i++)
                {
                    current[i].MergePartial(partials[i]);
                }

                var next = await readers[item.Run].ReadAsync(ct).ConfigureAwait(false);
                if (next is not null)
                {
                    queue.Enqueue((next, item.Run), (next["k"], item.Run));
                }
            }

            if (current is not null)
            {
                yield return Output(currentKey!, current);
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
