using System.Diagnostics;
using System.Globalization;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Domain;
using Shopfloor.Server;
using Shopfloor.Validation;

namespace Shopfloor.Bench;

/// <summary>
/// Where the insertMany figure goes (<c>--split</c>): the same 1,000 photos into collections that add one cost at a
/// time — the $jsonSchema validator, pre-images, the eight B-tree indexes, the text index — each beside a bare
/// collection measured in the same round, so the difference to the bare insert can be attributed.
/// </summary>
public static class InsertSplit
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task<int> RunAsync(int runs)
    {
        var directory = Path.Combine(Path.GetTempPath(), "shopfloor-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "split.db"));
            var database = engine.GetDatabase("split");
            var schemas = new ShopfloorSchemas();
            var btree = ShopfloorIndexes.Photos.Where(i => !i.Keys.Any(e => e.Value is BsonString)).ToList();
            var text = ShopfloorIndexes.Photos.Where(i => i.Keys.Any(e => e.Value is BsonString)).ToList();
            var variants = new (string Name, bool Validator, bool PreImages, bool BTree, bool Text)[]
            {
                ("bare", false, false, false, false),
                ("+ $jsonSchema validator", true, false, false, false),
                ("+ pre-images", false, true, false, false),
                ("+ 8 B-tree indexes", false, false, true, false),
                ("+ text index", false, false, false, true),
                ("all (as the server creates it)", true, true, true, true),
            };
            var random = new Random(7);
            var projects = Enumerable.Range(0, 20).Select(_ => ObjectId.GenerateNewId()).ToArray();
            var times = variants.Select(_ => new List<double>()).ToArray();
            for (var run = -1; run < runs; run++)
            {
                var batch = new List<BsonDocument>(1000);
                for (var i = 0; i < 1000; i++)
                {
                    var photo = DemoData.Photo(random, Departments.Ids[random.Next(Departments.Ids.Count)], projects[random.Next(projects.Length)], "PERF-TEST-001", Year.AddMinutes(random.Next(365 * 24 * 60)), $"device-{i % 10}", (run + 10) * 1000 + i);
                    photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
                    photo.Add("auditTrail", new BsonArray());
                    batch.Add(photo);
                }
                for (var v = 0; v < variants.Length; v++)
                {
                    var (name, validator, preImages, bTree, textIndex) = variants[v];
                    var collectionName = $"v{v}_r{run + 1}";
                    var create = new BsonDocument("create", collectionName);
                    if (validator)
                    {
                        var command = schemas.CreateCommand(CollectionNames.Photos);
                        create.Set("validator", command["validator"]).Set("validationLevel", command["validationLevel"]).Set("validationAction", command["validationAction"]);
                    }
                    if (preImages) create.Set("changeStreamPreAndPostImages", new BsonDocument("enabled", true));
                    await database.CreateCollectionAsync(collectionName, CreateCollectionOptions.FromCommand(create));
                    var collection = database.GetCollection(collectionName);
                    var indexes = new List<IndexModel>();
                    if (bTree) indexes.AddRange(btree);
                    if (textIndex) indexes.AddRange(text);
                    if (indexes.Count > 0) await collection.CreateIndexesAsync(indexes);
                    var copy = batch.Select(d => d.DeepClone()).ToList();
                    var sw = Stopwatch.StartNew();
                    var result = await collection.InsertAsync(copy, new InsertOptions { Ordered = false });
                    sw.Stop();
                    if (result.HasErrors) throw new InvalidOperationException(name + ": " + result.WriteErrors[0].Message);
                    if (run >= 0) times[v].Add(sw.Elapsed.TotalMilliseconds);
                }
            }
            // The two validators alone, in process, over one batch: the engine's compiled $jsonSchema (on the DOM and on
            // the bytes) and the module's C# rules (PhotoService runs them before each create).
            var sample = times[0].Count > 0 ? new List<BsonDocument>() : [];
            for (var i = 0; i < 1000; i++)
            {
                var photo = DemoData.Photo(random, "PAINT", projects[0], "PERF-TEST-001", Year.AddMinutes(i), "device-1", 99_000 + i);
                photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
                photo.Add("auditTrail", new BsonArray());
                sample.Add(photo);
            }
            // Fastest of many short rounds (robust to preemption on the shared machine), the variants alternated.
            var compiled = Outpost.Query.QueryFilter.Compile(schemas.PhotosValidator());
            var interpreted = Outpost.Query.JsonSchema.JsonSchemaValidator.CompileInterpreted(schemas.PhotosValidator()["$jsonSchema"]);
            var bytes = sample.Select(d => BsonSerializer.Serialize(d)).ToList();
            double dom = double.MaxValue, onBytes = double.MaxValue, old = double.MaxValue, rules = double.MaxValue;
            for (var round = 0; round < 60; round++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var d in sample) if (!compiled.Matches(d)) throw new InvalidOperationException("validator refused");
                dom = Math.Min(dom, sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                foreach (var b in bytes) if (!compiled.Matches(b)) throw new InvalidOperationException("validator refused");
                onBytes = Math.Min(onBytes, sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                foreach (var d in sample) if (!interpreted.IsValid(d)) throw new InvalidOperationException("interpreted validator refused");
                old = Math.Min(old, sw.Elapsed.TotalMilliseconds);
                sw.Restart();
                foreach (var d in sample) if (!schemas.PhotoRules.Validate(d).IsValid) throw new InvalidOperationException("rules refused");
                rules = Math.Min(rules, sw.Elapsed.TotalMilliseconds);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"validators over 1,000 photos (fastest of 60): $jsonSchema compiled {dom:F2} ms (from bytes {onBytes:F2} ms); interpreted (before 021) {old:F2} ms = {old / dom:F1}x; C# PhotoRules {rules:F2} ms"));
            // The module itself: the photos collection of a running ShopfloorServices, whose dashboard rollups follow the
            // change stream. Timed once right after the previous run's delete (as the main harness did until decision
            // 021: the rollups were still digesting that delete during the insert) and once after they caught up.
            var moduleLines = new List<string>();
            var services = await ShopfloorServices.CreateAsync(engine.GetDatabase("split_services"), new ShopfloorOptions { DataDirectory = directory });
            await using (services)
            {
                var photos = services.Database.GetCollection(CollectionNames.Photos);
                var busy = new List<double>();
                var quiet = new List<double>();
                for (var run = -1; run < runs; run++)
                {
                    foreach (var afterCatchUp in new[] { false, true })
                    {
                        var batch = new List<BsonDocument>(1000);
                        for (var i = 0; i < 1000; i++)
                        {
                            var photo = DemoData.Photo(random, Departments.Ids[random.Next(Departments.Ids.Count)], projects[random.Next(projects.Length)], "PERF-TEST-001", Year.AddMinutes(random.Next(365 * 24 * 60)), $"device-{i % 10}", (run + 50) * 1000 + i);
                            photo.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId()));
                            photo.Add("auditTrail", new BsonArray());
                            batch.Add(photo);
                        }
                        await photos.DeleteAsync([new DeleteStatement { Filter = [] }]);
                        if (afterCatchUp) await services.Rollups!.WaitForCatchUpAsync();
                        var sw = Stopwatch.StartNew();
                        var result = await photos.InsertAsync(batch, new InsertOptions { Ordered = false });
                        sw.Stop();
                        if (result.HasErrors) throw new InvalidOperationException(result.WriteErrors[0].Message);
                        if (run >= 0) (afterCatchUp ? quiet : busy).Add(sw.Elapsed.TotalMilliseconds);
                        await services.Rollups!.WaitForCatchUpAsync();
                    }
                }
                var bareMedian = Median(times[0]);
                moduleLines.Add(string.Create(CultureInfo.InvariantCulture, $"  {"module, rollups digesting a delete",-34}{Median(busy),8:F1} ms [{busy.Min(),5:F0}]  {Median(busy) - bareMedian,+8:F1} ms"));
                moduleLines.Add(string.Create(CultureInfo.InvariantCulture, $"  {"module, rollups caught up",-34}{Median(quiet),8:F1} ms [{quiet.Min(),5:F0}]  {Median(quiet) - bareMedian,+8:F1} ms"));
            }
            var bare = Median(times[0]);
            Console.WriteLine($"insertMany of 1,000 photos, median of {runs} (min in brackets); difference to bare in the last column");
            for (var v = 0; v < variants.Length; v++)
            {
                var median = Median(times[v]);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {variants[v].Name,-34}{median,8:F1} ms [{times[v].Min(),5:F0}]  {median - bare,+8:F1} ms"));
            }
            foreach (var line in moduleLines) Console.WriteLine(line);
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
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
