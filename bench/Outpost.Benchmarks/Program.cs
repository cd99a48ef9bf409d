using BenchmarkDotNet.Running;

// Run all with: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*'
// `-- sizes` prints the sample document's BSON and JSON sizes (for docs/performance.md).
if (args is ["sizes"])
{
    var bench = new Outpost.Benchmarks.BsonBenchmarks();
    bench.Setup();
    Console.WriteLine($"PhotoMetadata sample: BSON {bench.Sizes.Bson} bytes, JSON {bench.Sizes.Json} bytes");
    return;
}

// `-- sync [documents] [edits] [samples]` runs the end-to-end sync harness (Sync/SyncBenchmark.cs).
if (args is ["sync", ..])
{
    await Outpost.Benchmarks.Sync.SyncBenchmark.RunAsync(args);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
