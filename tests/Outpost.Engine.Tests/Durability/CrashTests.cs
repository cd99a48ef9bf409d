using System.Collections.Concurrent;
using System.Diagnostics;
using Outpost.Bson;

namespace Outpost.Engine.Tests.Durability;

/// <summary>
/// Kills a writing child process (tests/Outpost.CrashWorker) with SIGKILL at random moments, reopens the SQLite database
/// and checks that every acknowledged write survived, that no transaction is half-applied, and that every index agrees
/// with the documents (Collection.ValidateAsync). The random seed is printed so a failure can be replayed.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Cycles = 50;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Acknowledged_writes_survive_SIGKILL_and_indexes_stay_consistent()
    {
        var seed = Environment.GetEnvironmentVariable("OUTPOST_CRASH_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set OUTPOST_CRASH_SEED to replay)");
        var random = new Random(seed);
        var directory = Path.Combine(Path.GetTempPath(), "outpost-crash-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "crash.db");
        var ledger = new Ledger();
        var totalAcks = 0;
        try
        {
            for (var cycle = 0; cycle < Cycles; cycle++)
            {
                var acks = await RunAndKillAsync(path, $"r{cycle}", random.Next(), TimeSpan.FromMilliseconds(random.Next(30, 500)));
                foreach (var line in acks) ledger.Apply(line);
                totalAcks += acks.Count;
                await VerifyAsync(path, ledger, cycle);
            }

            output.WriteLine($"{Cycles} kill cycles, {totalAcks} acknowledged operations ({ledger.Transactions} transactions) verified");
            Assert.True(ledger.Transactions > 0 && ledger.Deleted.Count > 0 && ledger.Updates.Count > 0, "the workers should have exercised every kind of write");
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    private static async Task<List<string>> RunAndKillAsync(string path, string tag, int seed, TimeSpan runFor)
    {
        var lines = new ConcurrentQueue<string>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(WorkerPath());
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(tag);
        start.ArgumentList.Add(seed.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var process = new Process { StartInfo = start };
        var errors = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data == "READY .") ready.TrySetResult();
            else lines.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) errors.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync(Ct);
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(60), Ct));
        if (first != ready.Task)
        {
            if (!process.HasExited) process.Kill();
            Assert.Fail($"worker did not start: {string.Join('\n', errors)}");
        }

        await Task.Delay(runFor, Ct);
        Assert.False(process.HasExited, $"worker died on its own: {string.Join('\n', errors)}");
        process.Kill(); // SIGKILL on Unix: no managed cleanup, no SQLite close
        await process.WaitForExitAsync(Ct);
        process.WaitForExit(); // drains the redirected output

        var acks = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            Assert.EndsWith(" .", line); // a torn line would be a false acknowledgement
            acks.Add(line[..^2]);
        }

        return acks;
    }

    private static async Task VerifyAsync(string path, Ledger ledger, int cycle)
    {
        await using var engine = await OutpostEngine.OpenAsync(path, Ct);
        var docs = engine.GetDatabase("crash").GetCollection("docs");
        var byId = new Dictionary<string, BsonDocument>(StringComparer.Ordinal);
        await using (var cursor = await docs.FindAsync(new FindOptions(), null, Ct))
        {
            await foreach (var doc in cursor.WithCancellation(Ct)) byId[doc["_id"].AsString] = doc;
        }

        foreach (var id in ledger.Inserted)
            Assert.True(ledger.MaybeDeleted.Contains(id) || byId.ContainsKey(id), $"cycle {cycle}: acknowledged insert {id} is missing");
        foreach (var id in ledger.Deleted)
            Assert.False(byId.ContainsKey(id), $"cycle {cycle}: acknowledged delete {id} is back");
        foreach (var (id, seq) in ledger.Updates)
        {
            if (ledger.MaybeDeleted.Contains(id)) continue;
            Assert.True(byId.TryGetValue(id, out var doc), $"cycle {cycle}: updated document {id} is missing");
            Assert.True(doc["u"].ToInt64() >= seq, $"cycle {cycle}: acknowledged update {id} u>={seq} lost (u={doc["u"]})");
        }

        foreach (var pair in ledger.Pairs)
            Assert.True(byId.ContainsKey(pair + "-a") && byId.ContainsKey(pair + "-b"), $"cycle {cycle}: acknowledged transaction {pair} is not fully present");
        foreach (var doc in byId.Values)
        {
            if (!doc.TryGetValue("pair", out var pair)) continue;
            var other = pair.AsString + (doc["_id"].AsString.EndsWith("-a", StringComparison.Ordinal) ? "-b" : "-a");
            Assert.True(byId.ContainsKey(other), $"cycle {cycle}: transaction {pair.AsString} is half-applied ({doc["_id"]} without {other})");
        }

        var validation = await docs.ValidateAsync(Ct);
        Assert.True(validation["valid"].AsBoolean, $"cycle {cycle}: {validation.ToJson()}");
        Assert.Equal(byId.Count, validation["nrecords"].ToInt64());
    }

    private static string WorkerPath()
    {
        // The worker is built next to this project (ProjectReference without the assembly): same configuration and TFM.
        var baseDirectory = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var worker = baseDirectory.Replace($"{Path.DirectorySeparatorChar}Outpost.Engine.Tests{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}Outpost.CrashWorker{Path.DirectorySeparatorChar}", StringComparison.Ordinal);
        var dll = Path.Combine(worker, "Outpost.CrashWorker.dll");
        Assert.True(File.Exists(dll), $"crash worker not built at {dll}");
        return dll;
    }

    private sealed class Ledger
    {
        public HashSet<string> Inserted { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Deleted { get; } = new(StringComparer.Ordinal);

        /// <summary>Ids whose delete was started (acknowledged or not): they may legitimately be gone.</summary>
        public HashSet<string> MaybeDeleted { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, long> Updates { get; } = new(StringComparer.Ordinal);
        public List<string> Pairs { get; } = [];
        public int Transactions => Pairs.Count;

        public void Apply(string line)
        {
            var parts = line.Split(' ');
            switch (parts[0])
            {
                case "I": Inserted.Add(parts[1]); break;
                case "P": MaybeDeleted.Add(parts[1]); break;
                case "D": Deleted.Add(parts[1]); break;
                case "T": Pairs.Add(parts[1]); break;
                case "U":
                    var seq = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                    Updates[parts[1]] = Math.Max(seq, Updates.GetValueOrDefault(parts[1]));
                    break;
                default: throw new InvalidOperationException("unexpected worker line: " + line);
            }
        }
    }
}
