using System.Diagnostics;
using System.Globalization;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Server;

namespace Shopfloor.Bench;

/// <summary>
/// <c>--insert-profile [rounds]</c>: the benchmark's insertMany of 1,000 photos into the server's photos collection,
/// repeated (delete, rollups caught up, insert), with the bare collection's insert alternated beside it. Prints wall
/// and process CPU time per insert (CPU time is steadier than wall time on the shared machine); meant to run under
/// <c>perf record</c> (with <c>DOTNET_PerfMapEnabled=1</c>) to see where the insert's time goes.
/// </summary>
public static class InsertProfile
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> RunAsync(int rounds)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "profile.db"));
            await using var services = await ShopfloorServices.CreateAsync(engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = directory });
            var photos = services.Database.GetCollection(CollectionNames.Photos);
            var random = new Random(5);
            var projects = Enumerable.Range(0, 20).Select(_ => ObjectId.GenerateNewId()).ToArray();
            var process = Process.GetCurrentProcess();
            var wall = new List<double>();
            var cpu = new List<double>();
            var bareWall = new List<double>();
            var bareCpu = new List<double>();
            for (var round = -2; round < rounds; round++)
            {
                var batch = new List<BsonDocument>(1000);
                for (var i = 0; i < 1000; i++)
                {
                    var photo = DemoData.Photo(random, Departments.Ids[random.Next(Departments.Ids.Count)], projects[random.Next(projects.Length)], "PERF-TEST-001", Year.AddMinutes(random.Next(365 * 24 * 60)), $"device-{i % 10}", (round + 10) * 1000 + i);
                    photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
                    photo.Add("auditTrail", new BsonArray());
                    batch.Add(photo);
                }
                var copy = batch.Select(d => d.DeepClone()).ToList();
                await photos.DeleteAsync([new DeleteStatement { Filter = [] }]);
                await services.Rollups!.WaitForCatchUpAsync();
                var (w, c, mb, gcs) = await MeasureAsync(process, () => photos.InsertAsync(batch, new InsertOptions { Ordered = false }));
                await services.Rollups!.WaitForCatchUpAsync();
                var bare = engine.GetDatabase("profile_bare").GetCollection("photos_" + (round + 2));
                var (bw, bc, bareMb, bareGcs) = await MeasureAsync(process, () => bare.InsertAsync(copy, new InsertOptions { Ordered = false }));
                if (round == rounds - 1)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"last round: photos allocated {mb:F1} MB ({gcs} gen0 GCs), bare {bareMb:F1} MB ({bareGcs})"));
                }
                if (round >= 0)
                {
                    wall.Add(w); cpu.Add(c); bareWall.Add(bw); bareCpu.Add(bc);
                }
            }
            // The photos collection now holds the last round's 1,000 photos: what their index entries take (key + value bytes).
            var stats = await photos.StatsAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"index entry bytes for 1,000 photos: {stats["totalIndexSize"].ToInt64():N0} (documents {stats["size"].ToInt64():N0})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"insertMany 1,000 photos x {rounds}: photos collection wall {Median(wall):F1} ms [{wall.Min():F0}], CPU {Median(cpu):F1} ms; bare wall {Median(bareWall):F1} ms [{bareWall.Min():F0}], CPU {Median(bareCpu):F1} ms; ratio wall {Median(wall) / Median(bareWall):F2}x, CPU {Median(cpu) / Median(bareCpu):F2}x"));
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task<(double Wall, double Cpu, double AllocatedMb, int Gen0)> MeasureAsync(Process process, Func<Task<WriteResult>> insert)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var collections = GC.CollectionCount(0);
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        var result = await insert();
        sw.Stop();
        process.Refresh();
        if (result.HasErrors) throw new InvalidOperationException(result.WriteErrors[0].Message);
        return (sw.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu0).TotalMilliseconds,
            (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0, GC.CollectionCount(0) - collections);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
