// The seed's "MongoDB Performance Tests" as a Stopwatch harness over the embedded SQLite engine, with the seed's
// thresholds as the floor and our goals beside each figure, plus a same-run baseline.
//   dotnet run -c Release --project bench/Shopfloor.Bench [-- --photos 100000 --runs 5]
return await Shopfloor.Bench.ShopfloorBenchmark.RunAsync(args);
