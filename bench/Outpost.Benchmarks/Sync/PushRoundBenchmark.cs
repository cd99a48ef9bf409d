using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;
using Outpost.Sync.Snapshots;

namespace Outpost.Benchmarks.Sync;

/// <summary>
/// Only the push round of <see cref="SyncBenchmark"/> (same documents, same server and client set-up over loopback HTTP),
/// repeated: each round makes <c>edits</c> offline edits with <c>UpdateBatchAsync</c> (not timed) and times one
/// <c>SyncNowAsync</c> (push in batches + acknowledgements + pull). Several rounds per process give a median without
/// paying the initial sync each time.
/// Run: dotnet bench/Outpost.Benchmarks/bin/Release/net10.0/Outpost.Benchmarks.dll sync-push [documents] [edits] [rounds]
/// </summary>
public static class PushRoundBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        int documents = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
        int edits = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        int rounds = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 3;
        var directory = Path.Combine(Path.GetTempPath(), "outpost-push-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await RunInAsync(directory, documents, edits, rounds);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunInAsync(string directory, int documents, int edits, int rounds)
    {
        var docs = SyncBenchmark.MakeDocuments(documents);
        await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"));
        var sync = new SyncService(engine, new SyncServerOptions { Rules = [new CollectionSyncRule("photos")] }, new SyncBenchmark.OpenTokens());
        await sync.InitializeAsync();
        for (int i = 0; i < docs.Count; i += 1000)
        {
            var result = await engine.GetDatabase("app").GetCollection("photos").InsertAsync(docs.GetRange(i, Math.Min(1000, docs.Count - i)));
            if (result.HasErrors) throw new InvalidOperationException(result.WriteErrors[0].Message);
        }
        await sync.StampForeignWritesAsync();
        await using var snapshots = new SnapshotFileService(sync, new SnapshotFileOptions { Directory = Path.Combine(directory, "snapshots") });
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.UseWebSockets();
        app.MapOutpostSync(sync);
        app.MapOutpostSyncSnapshotFiles(snapshots);
        await app.StartAsync();
        var uri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        var options = new ClientOptions
        {
            DatabasePath = Path.Combine(directory, "device", "local.db"), ClientId = "device", ServerUri = uri,
            TokenProvider = _ => ValueTask.FromResult<string?>("device"), Subscriptions = [new SyncSubscription("photos", "photos")],
        };
        await using var client = await OutpostClient.OpenWithSnapshotAsync(options);
        await client.SyncNowAsync();
        var photos = client.Collection("photos");
        var times = new List<double>(rounds);
        for (int round = 0; round < rounds; round++)
        {
            for (int start = 0; start < edits; start += 500)
            {
                var batch = new List<(BsonDocument, BsonValue)>(500);
                for (int i = start; i < Math.Min(edits, start + 500); i++)
                    batch.Add((new BsonDocument("_id", docs[i % documents]["_id"]), new BsonDocument("$set", new BsonDocument { { "status", $"reviewed-{round}" }, { "rev", i } })));
                await photos.UpdateBatchAsync(batch);
            }
            if (await client.CountPendingAsync() != edits) throw new InvalidOperationException("outbox does not hold every edit");
            string loadBefore = SyncBenchmark.LoadAverage();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            await client.SyncNowAsync();
            watch.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            if (await client.CountPendingAsync() != 0) throw new InvalidOperationException("outbox not empty after sync");
            times.Add(watch.Elapsed.TotalSeconds);
            Console.WriteLine($"round {round + 1}: push of {edits} offline edits (push + acknowledgements + pull): {watch.Elapsed.TotalSeconds:F2} s = {edits / watch.Elapsed.TotalSeconds:N0} ops/s, CPU {cpu.TotalSeconds:F2} s (load {loadBefore} -> {SyncBenchmark.LoadAverage()})");
        }
        times.Sort();
        Console.WriteLine($"median of {rounds} rounds: {times[times.Count / 2]:F2} s [goal < 2 s]");
        await app.StopAsync();
    }
}
