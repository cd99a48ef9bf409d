using BenchmarkDotNet.Running;

// Run all with: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*'
// `-- sizes` prints the sample document's BSON and JSON sizes (for docs/performance.md).
if (args is ["sizes"])
{
    var bench = new Outpost.Benchmarks.BsonBenchmarks();
    bench.Setup();
    Console.WriteLine($"PhotoMetadata sample: BSON {bench.Sizes.Bson} bytes, JSON {bench.Sizes.Json} bytes");
    return 0;
}

// `-- codec-check`: Stopwatch cross-check of the BSON decode and lazy filter goals (CodecQuickCheck.cs).
if (args is ["codec-check"])
{
    Outpost.Benchmarks.CodecQuickCheck.Run();
    return 0;
}

// `-- engine [documents] [lookups]` runs the Stopwatch engine-vs-raw-SQLite harness (EngineScaleBenchmarks).
if (args.Length > 0 && args[0] == "engine")
{
    await Outpost.Benchmarks.EngineScaleBenchmarks.RunAsync(args);
    return 0;
}

// `-- embedded-load [docs] [batch] [lookups] [clients] [seconds]`: the embedded half of bench/wire-vs-embedded.sh.
if (args.Length > 0 && args[0] == "embedded-load")
{
    return await Outpost.Benchmarks.Load.EmbeddedLoad.RunAsync(args[1..]);
}

// `-- sync [documents] [edits] [samples]` runs the end-to-end sync harness (Sync/SyncBenchmark.cs).
if (args is ["sync", ..])
{
    await Outpost.Benchmarks.Sync.SyncBenchmark.RunAsync(args);
    return 0;
}

// `-- sync-push [documents] [edits] [rounds]` times only the push round, several times (Sync/PushRoundBenchmark.cs).
if (args is ["sync-push", ..])
{
    await Outpost.Benchmarks.Sync.PushRoundBenchmark.RunAsync(args);
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
