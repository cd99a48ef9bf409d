using System.Diagnostics;
using System.Globalization;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Security;
using Shopfloor.Server;

namespace Shopfloor.Bench;

/// <summary>
/// Where one photo create goes (<c>--creates</c>): sequential <see cref="PhotoService.CreateAsync"/> calls against the
/// same documents inserted straight into the photos collection (already encrypted, so only the engine's work: the
/// validator, ten indexes, one synced commit) and into a bare collection. Rounds alternate; medians per create.
/// </summary>
public static class CreateSplit
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> RunAsync(int rounds)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "creates.db"));
            await using var services = await ShopfloorServices.CreateAsync(engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = directory });
            var device = new DevicePrincipal("bench-paint", "PAINT", "PNT", Permissions.ForDepartment("PAINT"), "bench");
            var photos = services.Database.GetCollection(CollectionNames.Photos);
            var bare = engine.GetDatabase("bare").GetCollection("photos");
            var random = new Random(3);
            var project = ObjectId.GenerateNewId();
            var create = new List<double>();
            var engineOnly = new List<double>();
            var bareOnly = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                var photo = DemoData.Photo(random, "PAINT", project, "CREATE-SPLIT", Year.AddMinutes(round), "device-1", 70_000 + round);
                if (services.Rollups is { IsReady: true } r) await r.WaitForCatchUpAsync();
                var sw = Stopwatch.StartNew();
                var created = await services.Photos.CreateAsync(device, photo);
                create.Add(sw.Elapsed.TotalMicroseconds);

                var plain = created.DeepClone();
                plain.Set("_id", ObjectId.GenerateNewId());
                var stored = services.Protector.Protect(plain);
                var copy = stored.DeepClone();
                if (services.Rollups is { IsReady: true } r2) await r2.WaitForCatchUpAsync();
                sw.Restart();
                (await photos.InsertAsync([stored])).ThrowOnError();
                engineOnly.Add(sw.Elapsed.TotalMicroseconds);

                sw.Restart();
                (await bare.InsertAsync([copy])).ThrowOnError();
                bareOnly.Add(sw.Elapsed.TotalMicroseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one photo create, median of {rounds}: PhotoService.CreateAsync {Median(create):F0} µs; the engine's insert of the same encrypted photo {Median(engineOnly):F0} µs; into a bare collection {Median(bareOnly):F0} µs"));
            return 0;
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2];
    }
}
