using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using static Outpost.Sync.Tests.Merge.MergeTestKit;

namespace Outpost.Sync.Tests.Merge;

/// <summary>
/// The property the whole sync design rests on: the merged document depends on the set of operations, not on the
/// order in which they reach the server.
/// </summary>
public class MergeConvergenceTests(ITestOutputHelper output)
{
    private static readonly string[] Nodes = ["tablet-a", "tablet-b", "tablet-c", "server"];

    [Fact]
    public void Any_arrival_order_gives_the_same_document_bytes()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        for (int round = 0; round < 200; round++)
        {
            var ops = RandomOperations(random, random.Next(1, 25));
            byte[]? expected = null;
            string? expectedText = null;
            for (int order = 0; order < 6; order++)
            {
                var shuffled = ops.OrderBy(_ => random.Next()).ToList();
                var merger = new DocumentMerger("photos", PlantPolicy());
                var state = MergeState.Empty("p1");
                foreach (var op in shuffled)
                {
                    merger.Apply(state, op);
                }
                // Delivering everything again leaves the document as it is. (The server also de-duplicates by
                // client id + sequence before merging; this checks the merge itself is idempotent on values.)
                var settled = BsonSerializer.Serialize(state.Document);
                foreach (var op in shuffled)
                {
                    merger.Apply(state, op);
                    Assert.True(BsonSerializer.Serialize(state.Document).AsSpan().SequenceEqual(settled),
                        $"seed {seed}: replaying {Describe(op)} changed the document\n{BsonSerializer.Deserialize(settled)}\n{state.Document}\nops:\n{string.Join("\n", ops.Select(Describe))}");
                }
                var bytes = BsonSerializer.Serialize(state.Document);
                if (expected is null)
                {
                    expected = bytes;
                    expectedText = state.Document.ToString();
                }
                else if (!bytes.AsSpan().SequenceEqual(expected))
                {
                    Assert.Fail($"seed {seed} round {round}: orders diverged\n{expectedText}\n{state.Document}\nops:\n{string.Join("\n", ops.Select(Describe))}");
                }
            }
        }
    }

    private static string Describe(DocumentOperation op) =>
        $"{op.Stamp} {(op.IsDelete ? "DELETE" : string.Join(", ", op.Changes.Select(c => $"{c.Kind} {c.Path}={c.Value} base={c.Base}")))}";

    private static List<DocumentOperation> RandomOperations(Random random, int count)
    {
        var ops = new List<DocumentOperation>();
        var usedStamps = new List<FieldStamp>();
        long seq = 0;
        for (int i = 0; i < count; i++)
        {
            var node = Nodes[random.Next(Nodes.Length)];
            var stamp = new FieldStamp(new HlcTimestamp(random.Next(1, 40), random.Next(0, 2)), node);
            if (usedStamps.Contains(stamp))
            {
                continue; // one operation per stamp: HLC readings of one node never repeat
            }
            usedStamps.Add(stamp);
            if (random.Next(12) == 0)
            {
                ops.Add(new DocumentOperation(node, ++seq, "photos", "p1", true, [], stamp));
                continue;
            }
            var changes = new List<FieldChange>();
            var paths = new HashSet<string>();
            int n = random.Next(1, 4);
            for (int c = 0; c < n; c++)
            {
                var change = RandomChange(random);
                if (paths.Add(change.Path) && !paths.Any(p => p != change.Path && (p.StartsWith(change.Path + ".", StringComparison.Ordinal) || change.Path.StartsWith(p + ".", StringComparison.Ordinal) || p.Length == 0 || change.Path.Length == 0)))
                {
                    changes.Add(change);
                }
            }
            ops.Add(new DocumentOperation(node, ++seq, "photos", "p1", false, changes, stamp));
        }
        return ops;
    }

    private static BsonValue Scalar(Random r) => r.Next(4) switch
    {
        0 => r.Next(10),
        1 => $"s{r.Next(5)}",
        2 => r.Next(2) == 0,
        _ => BsonNull.Value,
    };

    private static FieldChange RandomChange(Random r) => r.Next(14) switch
    {
        0 => FieldChange.Set("title", Scalar(r)),
        1 => FieldChange.Unset("title"),
        2 => FieldChange.Set("camera.iso", Scalar(r)),
        3 => FieldChange.Set("camera", new BsonDocument { { "iso", Scalar(r) }, { "flash", Scalar(r) } }),
        4 => FieldChange.Set("camera.lens.mm", Scalar(r)),
        5 => FieldChange.Set("syncStatus", new[] { "synced", "syncing", "pending", "failed", "conflicted" }[r.Next(5)]),
        6 => Add("tags", $"t{r.Next(4)}", $"t{r.Next(4)}"),
        7 => Remove("tags", $"t{r.Next(4)}"),
        8 => Append("notes", $"note {r.Next(100)}"),
        9 => Inc("views", r.Next(1, 5)),
        10 => FieldChange.Set("decision", Scalar(r)),
        11 => FieldChange.Set("grade", $"g{r.Next(5)}"),
        12 => FieldChange.Set("inspection", new BsonDocument { { "result", Scalar(r) } }),
        _ => FieldChange.Set("", new BsonDocument { { "title", Scalar(r) }, { "tags", new BsonArray { "t1" } }, { "views", 3 } }),
    };
}
