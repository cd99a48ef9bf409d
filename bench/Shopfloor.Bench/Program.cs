// The seed's "MongoDB Performance Tests" as a Stopwatch harness over the embedded SQLite engine, with the seed's
// thresholds as the floor and our goals beside each figure, plus a same-run baseline.
//   dotnet run -c Release --project bench/Shopfloor.Bench [-- --photos 100000 --runs 5]
//   dotnet run -c Release --project bench/Shopfloor.Bench -- --split [--runs 5]   (where insertMany's time goes)
//   dotnet run -c Release --project bench/Shopfloor.Bench -- --creates   (where one photo create's time goes)
//   dotnet run -c Release --project bench/Shopfloor.Bench -- --insert-profile [rounds]   (insertMany alone, for perf)
if (args.Contains("--insert-profile")) return await Shopfloor.Bench.InsertProfile.RunAsync(args.SkipWhile(a => a != "--insert-profile").Skip(1).Select(int.Parse).FirstOrDefault(30));
if (args.Contains("--creates")) return await Shopfloor.Bench.CreateSplit.RunAsync(200);
return args.Contains("--split")
    ? await Shopfloor.Bench.InsertSplit.RunAsync(args.SkipWhile(a => a != "--runs").Skip(1).Select(int.Parse).FirstOrDefault(5))
    : await Shopfloor.Bench.ShopfloorBenchmark.RunAsync(args);
