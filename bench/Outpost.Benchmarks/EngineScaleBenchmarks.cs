using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Fixtures;

namespace Outpost.Benchmarks;

/// <summary>
/// Engine figures against raw SQLite baselines measured in the same run (Stopwatch harness: BenchmarkDotNet's
/// repeated setup of 100,000 documents is too slow on the shared 2-core machine). Both sides use WAL and
/// synchronous=FULL. Run: <c>dotnet run -c Release --project bench/Outpost.Benchmarks -- engine [documents] [lookups] [insert]</c>
/// (a trailing <c>insert</c> stops after the insert figures).
/// <list type="bullet">
/// <item>insertMany of N photo documents (~1.5 KB, PhotoMetadata-shaped) into a collection with the seed's whole photo
/// index set (createPhotoIndexes: 10 secondary = 8 B-tree + text + 2dsphere), then with the 8 B-tree indexes alone, then
/// with the _id index only, vs the same BSON blobs inserted into a plain (id, blob) table in one transaction.</item>
/// <item>_id point lookups (find {_id} limit 1 → BsonDocument) vs SELECT blob by primary key (bytes only, and bytes +
/// BSON decode).</item>
/// <item>an indexed range query (departmentId equality + capturedAt range) vs the same on an indexed SQLite table.</item>
/// <item>the seed's dashboard $facet (one department, one month) and the same $facet over the whole collection, vs
/// reading and decoding the matching blobs from SQLite.</item>
/// </list>
/// </summary>
public static class EngineScaleBenchmarks
{
    private static readonly string[] Departments = ["dept_paint", "dept_weld", "dept_assembly", "dept_qa", "dept_press"];
    private static readonly string[] SyncStatuses = ["synced", "pending", "failed"];
    private static readonly string[] Defects = ["orange-peel", "run", "dust-nib", "thin-coverage-edge", "scratch", "dent"];
    private static readonly DateTime Start = new(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);

    public static async Task RunAsync(string[] args)
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        var lookups = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var insertOnly = args.Length > 3 && args[3] == "insert";
        var directory = Path.Combine(Path.GetTempPath(), "outpost-engine-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await RunInAsync(directory, count, lookups, insertOnly);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task RunInAsync(string directory, int count, int lookups, bool insertOnly)
    {
        Console.WriteLine($"EngineScaleBenchmarks {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {count:N0} documents, {lookups:N0} lookups, {Environment.ProcessorCount} cores, load {LoadAverage()}");
        var documents = new BsonDocument[count];
        var blobs = new byte[count][];
        var random = new Random(42);
        long totalBytes = 0;
        for (var i = 0; i < count; i++)
        {
            documents[i] = Photo(i, random);
            blobs[i] = BsonSerializer.Serialize(documents[i]);
            totalBytes += blobs[i].Length;
        }

        Console.WriteLine($"average document {totalBytes / count} bytes BSON");

        // --- insert ---
        var rawPath = Path.Combine(directory, "raw.db");
        var rawCpu = Cpu();
        var rawInsert = Time(() => RawInsert(rawPath, documents, blobs));
        rawCpu = Cpu() - rawCpu;
        await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "engine.db"));
        var photos = engine.GetDatabase("bench").GetCollection("photos");
        await photos.CreateIndexesAsync([.. SeedPhotoIndexes(), .. SeedSpecialIndexes()]);
        var engineCpu = Cpu();
        var engineInsert = await TimeAsync(async () =>
        {
            var result = await photos.InsertAsync(documents, new InsertOptions { Ordered = false });
            if (result.HasErrors || result.N != count) throw new InvalidOperationException("insert failed: " + result.WriteErrors[0].Message);
        });
        engineCpu = Cpu() - engineCpu;
        Report("insertMany, seed's 10 indexes incl. text + 2dsphere (docs/s)", count / engineInsert.TotalSeconds, count / rawInsert.TotalSeconds, "≥ 35%");

        // On a loaded machine wall time mostly measures the other processes; CPU time (all threads, GC included) is steadier.
        Report("  same, by process CPU time (docs per CPU-second)", count / engineCpu.TotalSeconds, count / rawCpu.TotalSeconds, "");

        // The same documents with the 8 B-tree indexes alone, then with only the _id index (where the time goes).
        foreach (var (name, indexes) in new[] { ("  insertMany, 8 B-tree indexes (docs/s)", SeedPhotoIndexes()), ("  insertMany, _id index only (docs/s)", []) })
        {
            var other = engine.GetDatabase("bench").GetCollection("photos_other");
            if (indexes.Length > 0) await other.CreateIndexesAsync(indexes);
            var otherInsert = await TimeAsync(async () => await other.InsertAsync(documents, new InsertOptions { Ordered = false }));
            Report(name, count / otherInsert.TotalSeconds, count / rawInsert.TotalSeconds, "");
            await engine.GetDatabase("bench").DropCollectionAsync("photos_other");
        }

        if (insertOnly) return;

        // --- _id point lookups ---
        var ids = new BsonValue[lookups];
        for (var i = 0; i < lookups; i++) ids[i] = documents[random.Next(count)]["_id"];
        using var raw = new SqliteConnection($"Data Source={rawPath};Pooling=False");
        raw.Open();
        var rawLookup = Median(3, () => Time(() => RawLookups(raw, ids, decode: false)));
        var rawLookupDecode = Median(3, () => Time(() => RawLookups(raw, ids, decode: true)));
        var engineLookup = await MedianAsync(3, () => TimeAsync(async () =>
        {
            foreach (var id in ids)
            {
                await using var cursor = await photos.FindAsync(new FindOptions { Filter = new BsonDocument("_id", id), Limit = 1 });
                var batch = await cursor.NextBatchAsync(1);
                if (batch.Count != 1) throw new InvalidOperationException("lookup missed");
            }
        }));
        Report("_id lookups (lookups/s)", lookups / engineLookup.TotalSeconds, lookups / rawLookup.TotalSeconds, "≥ 50%");
        Report("  vs raw + BSON decode", lookups / engineLookup.TotalSeconds, lookups / rawLookupDecode.TotalSeconds, "");

        // Where the lookup time goes: the storage layer alone (snapshot + point read), then + BSON decode.
        var tree = await CollectionTreeAsync(engine, "bench", "photos");
        var storageLookup = await MedianAsync(3, () => TimeAsync(() => StorageLookupsAsync(engine, tree, ids, decode: false)));
        var storageLookupDecode = await MedianAsync(3, () => TimeAsync(() => StorageLookupsAsync(engine, tree, ids, decode: true)));
        Report("  storage point read only (lookups/s)", lookups / storageLookup.TotalSeconds, lookups / rawLookup.TotalSeconds, "");
        Report("  storage point read + decode (lookups/s)", lookups / storageLookupDecode.TotalSeconds, lookups / rawLookupDecode.TotalSeconds, "");

        // --- indexed range query ---
        var from = Start.AddDays(20);
        var to = from.AddDays(7);
        var rangeFilter = new BsonDocument { { "departmentId", "dept_weld" }, { "capturedAt", new BsonDocument { { "$gte", from }, { "$lt", to } } } };
        long rangeCount = 0;
        var engineRange = await MedianAsync(5, () => TimeAsync(async () =>
        {
            rangeCount = 0;
            await using var cursor = await photos.FindAsync(new FindOptions { Filter = rangeFilter });
            await foreach (var _ in cursor) rangeCount++;
        }));
        long rawRangeCount = 0;
        var rawRange = Median(5, () => Time(() => rawRangeCount = RawRange(raw, "dept_weld", from, to, decode: true)));
        if (rawRangeCount != rangeCount) throw new InvalidOperationException($"range counts differ: {rangeCount} vs {rawRangeCount}");
        var explain = await photos.ExplainFindAsync(new FindOptions { Filter = rangeFilter });
        var plan = explain["queryPlanner"].AsDocument["winningPlan"].ToString();
        Report($"range query, {rangeCount} docs (ms)", engineRange.TotalMilliseconds, rawRange.TotalMilliseconds, "", lowerIsBetter: true);
        Console.WriteLine($"  plan: {(plan.Contains("departmentId_1_capturedAt_-1", StringComparison.Ordinal) ? "IXSCAN departmentId_1_capturedAt_-1" : plan)}");

        // --- full scan (what a $facet over everything must at least pay) ---
        var engineScan = await MedianAsync(3, () => TimeAsync(async () =>
        {
            await using var cursor = await photos.FindAsync(new FindOptions());
            await foreach (var _ in cursor) { }
        }));
        var rawScan = Median(3, () => Time(() => RawScan(raw)));
        Report($"find {{}} full scan, {count} docs (ms)", engineScan.TotalMilliseconds, rawScan.TotalMilliseconds, "", lowerIsBetter: true);

        // --- dashboard $facet ---
        foreach (var (name, match) in new[]
        {
            ("dashboard $facet, seed match (1 dept, 1 month)", $"{{ departmentId: 'dept_paint', capturedAt: {{ $gte: ISODate('2024-03-01T00:00:00Z'), $lte: ISODate('2024-03-31T23:59:59Z') }} }}"),
            ("dashboard $facet, all documents", "{}"),
        })
        {
            var pipeline = BsonArray(SeedDashboardPipeline.WithMatch(match));
            BsonDocument? facet = null;
            var engineFacet = await MedianAsync(3, () => TimeAsync(async () =>
            {
                await using var cursor = await photos.AggregateAsync(pipeline, new AggregateOptions { AllowDiskUse = true });
                facet = (await cursor.ToListAsync())[0];
            }));
            var matchOnly = await MedianAsync(3, () => TimeAsync(async () =>
            {
                await using var cursor = await photos.AggregateAsync(BsonArray("[ { $match: " + match + " } ]"));
                await foreach (var _ in cursor) { }
            }));
            var total = facet!["summary"].AsArray.Count > 0 ? facet["summary"].AsArray[0].AsDocument["totalPhotos"].ToInt64() : 0;
            var rawFacet = match == "{}"
                ? Median(3, () => Time(() => RawScan(raw)))
                : Median(3, () => Time(() => RawRange(raw, "dept_paint", new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2024, 3, 31, 23, 59, 59, DateTimeKind.Utc), decode: true)));
            Report($"{name}, {total} docs (ms)", engineFacet.TotalMilliseconds, rawFacet.TotalMilliseconds, "< 1000 ms", lowerIsBetter: true);

            // Printed after the facet's own line: it is a part of that figure (the facet's input), not of the next one.
            Console.WriteLine($"  of which its $match stage alone (fetch + decode): {matchOnly.TotalMilliseconds:N0} ms");
        }
    }

    private static BsonDocument Photo(int i, Random random)
    {
        var captured = Start.AddSeconds(random.Next(90 * 24 * 3600));
        var defects = new BsonArray();
        for (var d = random.Next(4); d > 0; d--) defects.Add(Defects[random.Next(Defects.Length)]);
        var department = Departments[random.Next(Departments.Length)];
        return new BsonDocument
        {
            { "_id", ObjectId.GenerateNewId(1_700_000_000 + i) },
            { "localPath", $"/data/user/0/com.outpost.shopfloor/files/photos/2024/{captured:MM/dd}/IMG_{captured:yyyyMMdd_HHmmss}_{i}.jpg" },
            { "remoteUrl", $"https://files.example.com/photos/2024/{captured:MM/dd}/IMG_{captured:yyyyMMdd_HHmmss}_{i}.jpg" },
            { "fileName", $"IMG_{captured:yyyyMMdd_HHmmss}_{i}.jpg" },
            { "departmentId", department },
            { "projectId", "proj_J24-" + random.Next(50).ToString("D4", CultureInfo.InvariantCulture) },
            { "partId", "part_PNL-" + random.Next(500).ToString("D4", CultureInfo.InvariantCulture) },
            { "jobNumber", "J24-" + random.Next(50).ToString("D4", CultureInfo.InvariantCulture) },
            { "capturedAt", captured },
            { "createdAt", captured.AddSeconds(5) },
            { "syncedAt", captured.AddMinutes(3) },
            { "lastModified", captured.AddMinutes(random.Next(60)) },
            { "fileSize", random.Next(500_000, 6_000_000) },
            { "mimeType", "image/jpeg" },
            { "checksumMD5", Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())) + Convert.ToHexString(BitConverter.GetBytes((long)i)) },
            { "syncStatus", SyncStatuses[random.Next(SyncStatuses.Length)] },
            { "syncAttempts", random.Next(1, 4) },
            {
                "metadata", new BsonDocument
                {
                    { "inspectionType", "final-paint-inspection" },
                    { "qualityRating", random.Next(1, 11) },
                    { "defectsFound", defects },
                    { "inspectorNotes", "Minor orange peel on lower left panel edge; run near mounting hole B. Acceptable after polish." },
                    { "machineId", "paint-booth-" + random.Next(5) },
                    { "batchNumber", "B-2024-03-" + random.Next(1000).ToString("D4", CultureInfo.InvariantCulture) },
                    { "location", new BsonDocument { { "type", "Point" }, { "coordinates", new BsonArray { 8.5 + random.NextDouble() / 100, 47.3 + random.NextDouble() / 100 } } } },
                    {
                        "deviceInfo", new BsonDocument
                        {
                            { "deviceId", "tablet-line3-0" + random.Next(10) },
                            { "model", "Galaxy Tab Active4 Pro" },
                            { "osVersion", "Android 14" },
                            { "appVersion", "2.8.1+build.512" },
                            { "cameraSettings", new BsonDocument { { "quality", 92 }, { "flash", "auto" }, { "resolution", new BsonDocument { { "width", 4000 }, { "height", 3000 } } } } },
                        }
                    },
                }
            },
            {
                "auditTrail", new BsonArray
                {
                    new BsonDocument { { "action", "created" }, { "timestamp", captured }, { "userId", "user-" + random.Next(100) }, { "deviceId", "tablet-line3-07" } },
                    new BsonDocument { { "action", "synced" }, { "timestamp", captured.AddMinutes(3) }, { "userId", "user-" + random.Next(100) }, { "deviceId", "tablet-line3-07" } },
                }
            },
        };
    }

    /// <summary>The seed's createPhotoIndexes B-tree indexes.</summary>
    private static IndexModel[] SeedPhotoIndexes() =>
    [
        new() { Keys = BsonDocument.Parse("{ departmentId: 1, capturedAt: -1 }") },
        new() { Keys = BsonDocument.Parse("{ projectId: 1, capturedAt: -1 }") },
        new() { Keys = BsonDocument.Parse("{ syncStatus: 1, lastModified: -1 }") },
        new() { Keys = BsonDocument.Parse("{ partId: 1, capturedAt: -1 }") },
        new() { Keys = BsonDocument.Parse("{ fileName: 1 }") },
        new() { Keys = BsonDocument.Parse("{ checksumMD5: 1 }") },
        new() { Keys = BsonDocument.Parse("{ createdAt: 1 }") },
        new() { Keys = BsonDocument.Parse("{ departmentId: 1, projectId: 1, syncStatus: 1, capturedAt: -1 }") },
    ];

    /// <summary>The seed's createPhotoIndexes text and 2dsphere indexes.</summary>
    private static IndexModel[] SeedSpecialIndexes() =>
    [
        new() { Keys = BsonDocument.Parse("{ 'metadata.location': '2dsphere' }") },
        new() { Keys = BsonDocument.Parse("{ 'metadata.inspectorNotes': 'text', 'metadata.defectsFound': 'text', fileName: 'text' }") },
    ];

    private static BsonArray BsonArray(string json) => BsonDocument.Parse("{ p: " + json + " }")["p"].AsArray;

    private static void RawInsert(string path, BsonDocument[] documents, byte[][] blobs)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE docs(id BLOB PRIMARY KEY, doc BLOB NOT NULL);";
            setup.ExecuteNonQuery();
        }

        using (var transaction = connection.BeginTransaction())
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO docs(id, doc) VALUES ($id, $doc)";
            var id = insert.Parameters.Add("$id", SqliteType.Blob);
            var doc = insert.Parameters.Add("$doc", SqliteType.Blob);
            insert.Prepare();
            for (var i = 0; i < blobs.Length; i++)
            {
                id.Value = documents[i]["_id"].AsObjectId.ToByteArray();
                doc.Value = blobs[i];
                insert.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        // The range/facet baseline table (not timed as part of the insert figure: built after it).
        using var extra = connection.CreateCommand();
        extra.CommandText = "CREATE TABLE docs_by_dept(id BLOB PRIMARY KEY, dept TEXT, captured INTEGER, doc BLOB); CREATE INDEX docs_dept_captured ON docs_by_dept(dept, captured);";
        extra.ExecuteNonQuery();
        using var tx2 = connection.BeginTransaction();
        using var insert2 = connection.CreateCommand();
        insert2.CommandText = "INSERT INTO docs_by_dept VALUES ($id, $dept, $captured, $doc)";
        var p1 = insert2.Parameters.Add("$id", SqliteType.Blob);
        var p2 = insert2.Parameters.Add("$dept", SqliteType.Text);
        var p3 = insert2.Parameters.Add("$captured", SqliteType.Integer);
        var p4 = insert2.Parameters.Add("$doc", SqliteType.Blob);
        for (var i = 0; i < blobs.Length; i++)
        {
            p1.Value = documents[i]["_id"].AsObjectId.ToByteArray();
            p2.Value = documents[i]["departmentId"].AsString;
            p3.Value = documents[i]["capturedAt"].AsDateTime.MillisecondsSinceEpoch;
            p4.Value = blobs[i];
            insert2.ExecuteNonQuery();
        }

        tx2.Commit();
    }

    private static void RawLookups(SqliteConnection connection, BsonValue[] ids, bool decode)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT doc FROM docs WHERE id = $id";
        var id = select.Parameters.Add("$id", SqliteType.Blob);
        select.Prepare();
        foreach (var value in ids)
        {
            id.Value = value.AsObjectId.ToByteArray();
            var blob = (byte[])select.ExecuteScalar()!;
            if (decode) BsonSerializer.Deserialize(blob);
        }
    }

    private static long RawRange(SqliteConnection connection, string department, DateTime from, DateTime to, bool decode)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT doc FROM docs_by_dept WHERE dept = $dept AND captured >= $from AND captured < $to";
        select.Parameters.AddWithValue("$dept", department);
        select.Parameters.AddWithValue("$from", new BsonDateTime(from).MillisecondsSinceEpoch);
        select.Parameters.AddWithValue("$to", new BsonDateTime(to).MillisecondsSinceEpoch);
        long n = 0;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var blob = (byte[])reader[0];
            if (decode) BsonSerializer.Deserialize(blob);
            n++;
        }

        return n;
    }

    private static async Task<long> CollectionTreeAsync(OutpostEngine engine, string database, string collection)
    {
        await using var tx = await engine.Storage.BeginAsync(Outpost.Storage.StorageTransactionMode.ReadOnly);
        var catalog = await tx.GetAsync(1, System.Text.Encoding.UTF8.GetBytes(database + "\0" + collection));
        return BsonSerializer.Deserialize(catalog)["tree"].ToInt64();
    }

    private static async Task StorageLookupsAsync(OutpostEngine engine, long tree, BsonValue[] ids, bool decode)
    {
        foreach (var id in ids)
        {
            await using var tx = await engine.Storage.BeginAsync(Outpost.Storage.StorageTransactionMode.ReadOnly);
            var blob = await tx.GetAsync(tree, Outpost.Bson.Keys.BsonKeyEncoder.Encode(id)) ?? throw new InvalidOperationException("storage lookup missed");
            if (decode) BsonSerializer.Deserialize(blob);
        }
    }

    private static long RawScan(SqliteConnection connection)
    {
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT doc FROM docs";
        long n = 0;
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            BsonSerializer.Deserialize((byte[])reader[0]);
            n++;
        }

        return n;
    }

    private static void Report(string name, double engine, double raw, string goal, bool lowerIsBetter = false)
    {
        // Ratio = engine as a share of the raw baseline's performance (1.0 = as fast as raw SQLite).
        var ratio = lowerIsBetter ? raw / engine : engine / raw;
        Console.WriteLine($"{name,-58} engine {engine,12:N1}   raw {raw,12:N1}   engine/raw {ratio,6:P0}   goal {goal}");
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    private static TimeSpan Time(Action action)
    {
        var stopwatch = Stopwatch.StartNew();
        action();
        return stopwatch.Elapsed;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var stopwatch = Stopwatch.StartNew();
        await action();
        return stopwatch.Elapsed;
    }

    private static TimeSpan Median(int runs, Func<TimeSpan> run)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++) times.Add(run());
        times.Sort();
        return times[runs / 2];
    }

    private static async Task<TimeSpan> MedianAsync(int runs, Func<Task<TimeSpan>> run)
    {
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs; i++) times.Add(await run());
        times.Sort();
        return times[runs / 2];
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
