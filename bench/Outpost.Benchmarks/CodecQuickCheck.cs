using System.Diagnostics;

namespace Outpost.Benchmarks;

/// <summary>
/// A Stopwatch cross-check of the two goals that BenchmarkDotNet's short job measures too noisily on a loaded, shared
/// machine: BSON decode vs JsonDocument.Parse (issue 2) and lazy filter matching vs deserialize-then-match (issue 3),
/// on the same inputs as <see cref="BsonBenchmarks"/> and <see cref="FilterBenchmarks"/>. Each figure is the fastest of
/// 400 short batches, alternating the compared methods, so preemption by other processes is filtered out.
/// Run: dotnet run -c Release --project bench/Outpost.Benchmarks -- codec-check
/// </summary>
public static class CodecQuickCheck
{
    public static void Run()
    {
        var bson = new BsonBenchmarks();
        bson.Setup();
        var filter = new FilterBenchmarks();
        filter.Setup();
        for (int round = 1; round <= 2; round++)
        {
            var (stj, decode, walk) = (Fastest(() => bson.StjParse(), 200), Fastest(() => bson.BsonDecode().ElementCount, 200), Fastest(() => bson.BsonLazyWalk(), 200));
            Console.WriteLine($"round {round}: JsonDocument.Parse {stj:F0} ns | BSON decode {decode:F0} ns ({stj / decode:F2}x) | BsonDocumentView walk {walk:F0} ns ({stj / walk:F2}x)");
            var (stjAll, decodeAll, eagerAll) = (Fastest(bson.StjParseReadAll, 200), Fastest(bson.BsonDecodeReadAll, 200), Fastest(bson.BsonDecodeEagerReadAll, 200));
            Console.WriteLine($"round {round}: JsonDocument.Parse + read every value {stjAll:F0} ns | BSON decode + read every value {decodeAll:F0} ns ({stjAll / decodeAll:F2}x) | eager {eagerAll:F0} ns ({stjAll / eagerAll:F2}x)");
            Console.WriteLine($"round {round}: BSON decode + set one field + encode {Fastest(bson.BsonDecodeModifyEncode, 200):F0} ns");
            var (eager, lazy) = (Fastest(filter.DeserializeThenMatch, 1), Fastest(filter.LazyMatchOnBytes, 1));
            Console.WriteLine($"round {round}: deserialize+match {eager / 1e6:F2} ms | lazy match {lazy / 1e6:F2} ms per 1,000 docs ({eager / lazy:F2}x, {1e12 / lazy:F0} docs/s)");
        }
    }

    /// <summary>Fastest mean time per call (ns) over 400 batches of <paramref name="calls"/> calls.</summary>
    private static double Fastest(Func<int> action, int calls)
    {
        double best = double.MaxValue;
        int sink = 0;
        for (int batch = 0; batch < 400; batch++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < calls; i++)
            {
                sink += action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
        }

        GC.KeepAlive(sink);
        return best;
    }
}
