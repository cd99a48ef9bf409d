using System.Diagnostics;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;

namespace Outpost.Benchmarks.Load;

/// <summary>
/// The embedded half of bench/wire-vs-embedded.sh: the same work as bench/wire-load/load.mjs, through the C# engine
/// API on a SQLite file in a temp directory — insert N photo documents in batches, then concurrent find-by-_id from
/// T tasks. Prints docs/s and latency percentiles, plus one "RESULT" line per workload for the script.
/// Both run an untimed warm-up first. Bounded by count and by a time limit (the lookups stop early when it expires; the figures then say so).
/// </summary>
public static class EmbeddedLoad
{
    /// <summary>Runs the load; args: [docs] [batch] [lookups] [clients] [timeLimitSeconds].</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        int docs = ArgOr(args, 0, 100_000), batchSize = ArgOr(args, 1, 1_000), lookups = ArgOr(args, 2, 20_000);
        int clients = ArgOr(args, 3, 16), limitSeconds = ArgOr(args, 4, 600);
        using var timeLimit = new CancellationTokenSource(TimeSpan.FromSeconds(limitSeconds));
        var dir = Path.Combine(Path.GetTempPath(), "outpost-embedded-load", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            await using var engine = await OutpostEngine.OpenAsync(Path.Combine(dir, "outpost.db"), timeLimit.Token);
            var photos = engine.GetDatabase("bench").GetCollection("photos");
            var template = LoadPhoto.CreateTemplate();
            Console.WriteLine($"embedded: {docs} docs of {BsonSerializer.Serialize(LoadPhoto.Create(template, 0)).Length} B BSON, batches of {batchSize}; {lookups} lookups from {clients} tasks");

            // Warm-up (not timed), the same as the wire tool's: JIT and SQLite caches reach a steady state first, so
            // neither side measures its own start-up (the server would otherwise spend a third of its CPU in the JIT).
            var warmup = engine.GetDatabase("bench").GetCollection("warmup");
            int warmDocs = Math.Min(docs, WarmupDocuments);
            await InsertAsync(warmup, template, warmDocs, batchSize, timeLimit.Token);
            await FindAsync(warmup, warmDocs, Math.Min(lookups, WarmupLookups), clients, timeLimit.Token);

            var (insertSeconds, batchLatencies, insertCpu) = await InsertAsync(photos, template, docs, batchSize, timeLimit.Token);
            Report("insert", docs, insertSeconds, batchLatencies, "batch");
            ReportCpu("insert", docs, insertCpu);
            var findCpu = CpuNow();
            var (completed, findSeconds, latencies) = await FindAsync(photos, docs, lookups, clients, timeLimit.Token);
            Report("find", completed, findSeconds, latencies, "lookup");
            ReportCpu("find", completed, CpuNow() - findCpu);
            ReportValidationCost(template, Math.Min(docs, batchSize));
            return completed == lookups ? 0 : 2;
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // best effort: a temp directory
            }
        }
    }

    /// <summary>Documents and lookups of the untimed warm-up (bench/wire-load/load.mjs uses the same).</summary>
    private const int WarmupDocuments = 5_000, WarmupLookups = 5_000;

    /// <summary>Inserts documents 0..docs-1 in batches (built outside the timed call, as the JS tool does).</summary>
    private static async Task<(double Seconds, double[] BatchLatencies, TimeSpan Cpu)> InsertAsync(Collection photos, BsonDocument template, int docs, int batchSize, CancellationToken cancellationToken)
    {
        var batchLatencies = new double[(docs + batchSize - 1) / batchSize];
        long insertTicks = 0;
        var cpu = TimeSpan.Zero;
        for (int b = 0, i = 0; i < docs; b++, i += batchSize)
        {
            int n = Math.Min(batchSize, docs - i);
            var batch = new List<BsonDocument>(n);
            for (int j = 0; j < n; j++) batch.Add(LoadPhoto.Create(template, i + j));
            var cpuStart = CpuNow();
            long start = Stopwatch.GetTimestamp();
            await photos.InsertAsync(batch, cancellationToken: cancellationToken);
            long elapsed = Stopwatch.GetTimestamp() - start;
            cpu += CpuNow() - cpuStart;
            insertTicks += elapsed;
            batchLatencies[b] = Stopwatch.GetElapsedTime(0, elapsed).TotalMilliseconds;
        }

        return (Stopwatch.GetElapsedTime(0, insertTicks).TotalSeconds, batchLatencies, cpu);
    }

    /// <summary>
    /// <paramref name="clients"/> tasks share a counter; each lookup is a find {_id} limit 1, like the driver's findOne.
    /// Stops early when the time limit expires (the count then says so).
    /// </summary>
    private static async Task<(int Completed, double Seconds, double[] Latencies)> FindAsync(Collection photos, int docs, int lookups, int clients, CancellationToken cancellationToken)
    {
        var latencies = new double[lookups];
        int next = -1, completed = 0;
        var wall = Stopwatch.StartNew();
        var workers = new Task[clients];
        for (int c = 0; c < clients; c++)
        {
            workers[c] = Task.Run(async () =>
            {
                int k;
                while ((k = Interlocked.Increment(ref next)) < lookups && !cancellationToken.IsCancellationRequested)
                {
                    var filter = new BsonDocument("_id", LoadPhoto.IdOf((int)((k * 7919L) % docs)));
                    long start = Stopwatch.GetTimestamp();
                    await using (var cursor = await photos.FindAsync(new FindOptions { Filter = filter, Limit = 1 }, cancellationToken: cancellationToken))
                    {
                        var found = await cursor.NextBatchAsync(1, cancellationToken: cancellationToken);
                        if (found.Count != 1) throw new InvalidOperationException($"missing {filter}");
                    }

                    latencies[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    Interlocked.Increment(ref completed);
                }
            });
        }

        await Task.WhenAll(workers);
        wall.Stop();
        return (completed, wall.Elapsed.TotalSeconds, latencies.AsSpan(0, Math.Min(completed, lookups)).ToArray());
    }

    /// <summary>
    /// The server's remaining extra work per insert batch: it stores the documents as they arrive, after checking the
    /// bytes (BsonValidator); it used to decode them into a DOM (which the engine then encoded again). Times both for one
    /// batch (median of 5 each, interleaved) for comparison.
    /// </summary>
    private static void ReportValidationCost(BsonDocument template, int batchSize)
    {
        var bytes = new byte[batchSize][];
        for (int i = 0; i < batchSize; i++) bytes[i] = BsonSerializer.Serialize(LoadPhoto.Create(template, i));
        var validate = new double[5];
        var decode = new double[5];
        for (int r = 0; r < validate.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batchSize; i++) _ = BsonValidator.Validate(bytes[i]);
            validate[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batchSize; i++) _ = BsonSerializer.Deserialize(bytes[i]);
            decode[r] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(validate);
        Array.Sort(decode);
        Console.WriteLine($"embedded note: one batch of {batchSize} documents: validating the BSON bytes (the server's extra work per insert batch) takes {validate[2]:F2} ms; decoding them (its work before) {decode[2]:F2} ms (medians of 5)");
    }

    /// <summary>CPU time of this process so far (all threads).</summary>
    private static TimeSpan CpuNow()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    /// <summary>"CPU embedded workload µs per doc", beside load.mjs's "CPU wire" line.</summary>
    private static void ReportCpu(string workload, int count, TimeSpan cpu) =>
        Console.WriteLine(FormattableString.Invariant($"CPU embedded {workload} {cpu.TotalMicroseconds / Math.Max(1, count):F1} (µs per doc)"));

    private static void Report(string workload, int count, double seconds, double[] latencies, string unit)
    {
        Array.Sort(latencies);
        double rate = count / seconds;
        Console.WriteLine($"embedded {workload}: {count} docs in {seconds:F2} s = {rate:F0} docs/s; {unit} latency ms p50 {Pct(latencies, 50):F2} p95 {Pct(latencies, 95):F2} p99 {Pct(latencies, 99):F2} max {(latencies.Length == 0 ? 0 : latencies[^1]):F2}");
        Console.WriteLine(FormattableString.Invariant($"RESULT embedded {workload} {rate:F1}"));
    }

    private static double Pct(double[] sorted, int p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100.0 * sorted.Length) - 1)];

    private static int ArgOr(string[] args, int index, int fallback) =>
        args.Length > index && int.TryParse(args[index], out int v) && v > 0 ? v : fallback;
}
