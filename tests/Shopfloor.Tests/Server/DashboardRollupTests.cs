using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Server;

namespace Shopfloor.Tests.Server;

/// <summary>
/// The dashboard read from the daily rollups equals the detailed on-the-fly facet — after inserts, updates that move
/// photos between days and departments, status changes and deletes, all written straight to the engine (as sync and
/// wire writes are), so only the change stream can have told the rollups.
/// </summary>
public sealed class DashboardRollupTests : IAsyncLifetime
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "shopfloor-rollup-" + Guid.NewGuid().ToString("N"));
    private OutpostEngine _engine = null!;
    private ShopfloorServices _services = null!;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _engine = await OutpostEngine.OpenAsync(Path.Combine(_directory, "shopfloor.db"), Ct);
        _services = await ShopfloorServices.CreateAsync(_engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = _directory }, cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _engine.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Collection Photos => _engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos);

    private static List<BsonDocument> Generate(Random random, int count, ObjectId[] projects, int seed)
    {
        var list = new List<BsonDocument>(count);
        for (var i = 0; i < count; i++)
        {
            var department = Departments.Ids[random.Next(Departments.Ids.Count)];
            var photo = DemoData.Photo(random, department, projects[random.Next(projects.Length)], "JOB-2025-001", Year.AddMinutes(random.Next(60 * 24 * 60)), $"device-{i % 7}", seed + i);
            photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
            photo.Add("auditTrail", new BsonArray());
            list.Add(photo);
        }
        return list;
    }

    [Fact]
    public async Task Rollup_dashboards_equal_the_detailed_facet_through_inserts_updates_and_deletes()
    {
        var random = new Random(7);
        var projects = Enumerable.Range(0, 14).Select(_ => ObjectId.GenerateNewId()).ToArray();
        // Some photos exist before the rollups start (the rebuild counts them), the rest arrive through the stream.
        await _services.DisposeAsync();
        Assert.False((await Photos.InsertAsync(Generate(random, 300, projects, 0), cancellationToken: Ct)).HasErrors);
        _services = await ShopfloorServices.CreateAsync(_engine.GetDatabase("shopfloor"), new ShopfloorOptions { DataDirectory = _directory }, cancellationToken: Ct);
        await AssertSameAsync();

        var later = Generate(random, 400, projects, 1000);
        Assert.False((await Photos.InsertAsync(later, cancellationToken: Ct)).HasErrors);
        await AssertSameAsync();

        // Move photos to other days and departments, change statuses and ratings, delete some.
        for (var i = 0; i < 40; i++)
        {
            var id = later[i]["_id"];
            var set = new BsonDocument
            {
                { "capturedAt", Year.AddDays(random.Next(90)).AddHours(random.Next(24)) },
                { "departmentId", Departments.Ids[random.Next(Departments.Ids.Count)] },
                { "syncStatus", i % 2 == 0 ? "synced" : "failed" },
                { "metadata.qualityRating", 1 + random.Next(10) },
            };
            await Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", set) }], cancellationToken: Ct);
        }
        await Photos.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("departmentId", "Z_LINE"), Limit = 0 }], cancellationToken: Ct);
        await Photos.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", later[100]["_id"]), Limit = 1 }], cancellationToken: Ct);
        await AssertSameAsync();
        Assert.True(_services.Rollups!.IsReady);
        Assert.Null(_services.Rollups.LastError);
    }

    private async Task AssertSameAsync()
    {
        var ranges = new (string? Department, DateTime? From, DateTime? To)[]
        {
            (null, null, null),
            ("PAINT", Year, Year.AddYears(1).AddTicks(-1)),
            ("QA", Year.AddDays(10), Year.AddDays(40).AddTicks(-1)),
            ("Z_LINE", null, null),
            (null, Year.AddYears(3), null),
        };
        // The comparison only means something once the rollups answer (before that the service computes on the fly).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!_services.Rollups!.IsReady)
        {
            Assert.True(DateTime.UtcNow < deadline, "rollups not ready within 30 s");
            await Task.Delay(20, Ct);
        }
        foreach (var (department, from, to) in ranges)
        {
            var fromRollups = await _services.Dashboard.GetAsync(department, from, to, Ct);
            var detailed = await _services.Dashboard.GetDetailedAsync(department, from, to, Ct);
            fromRollups.Remove("generatedAt");
            detailed.Remove("generatedAt");
            AssertEquivalent(detailed, fromRollups, $"{department ?? "all"} {from:yyyy-MM-dd}..{to:yyyy-MM-dd}");
        }
        Assert.True(await _engine.GetDatabase("shopfloor").GetCollection(DashboardRollups.CollectionName).CountAsync(new CountOptions(), null, Ct) > 0);
    }

    /// <summary>Same fields in the same order, same types; doubles equal up to summation-order rounding.</summary>
    private static void AssertEquivalent(BsonValue expected, BsonValue actual, string path)
    {
        if (expected is BsonDouble e && actual is BsonDouble a)
        {
            Assert.True(Math.Abs(e.Value - a.Value) <= 1e-9 * Math.Max(1, Math.Abs(e.Value)), $"{path}: {e.Value} != {a.Value}");
            return;
        }
        Assert.True(expected.Type == actual.Type, $"{path}: {expected.Type} {expected} vs {actual.Type} {actual}");
        if (expected is BsonDocument ed)
        {
            var ad = actual.AsDocument;
            Assert.True(ed.Names.SequenceEqual(ad.Names), $"{path}: fields [{string.Join(",", ed.Names)}] vs [{string.Join(",", ad.Names)}]");
            foreach (var element in ed) AssertEquivalent(element.Value, ad[element.Name], $"{path}.{element.Name}");
        }
        else if (expected is BsonArray ea)
        {
            var aa = actual.AsArray;
            Assert.True(ea.Count == aa.Count, $"{path}: {ea.Count} items vs {aa.Count}: {ea} vs {aa}");
            for (var i = 0; i < ea.Count; i++) AssertEquivalent(ea[i], aa[i], $"{path}[{i}]");
        }
        else
        {
            Assert.True(BsonComparer.Instance.Compare(expected, actual) == 0, $"{path}: {expected} != {actual}");
        }
    }
}
