using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using Npgsql;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Storage.Postgres;

namespace Outpost.Benchmarks;

/// <summary>
/// The engine on SQLite and on PostgreSQL side by side (the <see cref="Backend"/> parameter; PostgreSQL runs when
/// OUTPOST_TEST_POSTGRES names a server — each iteration gets a fresh database), beside a raw-SQLite baseline measured
/// in the same run: the same BSON blobs inserted into and read from a plain (id BLOB PRIMARY KEY, doc BLOB) table
/// with Microsoft.Data.Sqlite. The raw baselines do not depend on the backend; they run once per backend value.
/// </summary>
[Config(typeof(EngineBenchmarks.ShortInProcess))]
[MemoryDiagnoser]
public class EngineBenchmarks
{
    /// <summary>Few iterations, in process: each iteration builds a fresh 10,000-document store.</summary>
    public sealed class ShortInProcess : ManualConfig
    {
        public ShortInProcess() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(1).WithIterationCount(3).WithInvocationCount(1).WithUnrollFactor(1));
    }

    private const int Documents = 10_000;
    private const int Lookups = 2_000;
    private List<BsonDocument> _photos = [];
    private List<byte[]> _blobs = [];
    private string _dir = "";
    private OutpostEngine? _engine;
    private Collection? _collection;
    private SqliteConnection? _raw;
    private string? _pgDatabase;

    /// <summary>Npgsql connection string of the PostgreSQL server to benchmark against (as the engine tests use).</summary>
    public const string PostgresEnvironmentVariable = "OUTPOST_TEST_POSTGRES";

    /// <summary>"sqlite" always; "postgres" when <see cref="PostgresEnvironmentVariable"/> is set.</summary>
    public static IEnumerable<string> Backends()
    {
        yield return "sqlite";
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresEnvironmentVariable)))
            yield return "postgres";
    }

    /// <summary>The storage backend under the engine.</summary>
    [ParamsSource(nameof(Backends))]
    public string Backend { get; set; } = "sqlite";

    [GlobalSetup]
    public void Setup()
    {
        var template = PhotoMetadataSample.Create();
        _photos = [];
        _blobs = [];
        for (var i = 0; i < Documents; i++)
        {
            var doc = template.DeepClone();
            doc.Set("_id", $"photo_{i:D6}");
            doc.Set("stationId", $"station_{i % 40}");
            doc.Set("capturedAt", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i));
            doc.Set("qualityScore", i % 100);
            _photos.Add(doc);
            _blobs.Add(BsonSerializer.Serialize(doc));
        }
    }

    [IterationSetup(Targets = [nameof(Engine_insertMany_with_6_indexes), nameof(Raw_sqlite_blob_insert)])]
    public void OpenEmptyStores() => OpenStores();

    /// <summary>Lookups and queries run on stores already holding the 10,000 documents (loading is not measured).</summary>
    [IterationSetup(Targets = [nameof(Engine_id_lookups), nameof(Raw_sqlite_pk_lookups), nameof(Engine_indexed_range_query), nameof(Engine_dashboard_aggregation)])]
    public void OpenLoadedStores()
    {
        OpenStores();
        LoadEngineAsync().GetAwaiter().GetResult();
        LoadRaw();
    }

    private void OpenStores()
    {
        _dir = Path.Combine(Path.GetTempPath(), "outpost-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _engine = OpenEngineAsync().GetAwaiter().GetResult();
        _collection = _engine.GetDatabase("shopfloor").GetCollection("photos");
        _collection.CreateIndexesAsync([
            new IndexModel { Keys = new BsonDocument("stationId", 1).Add("capturedAt", -1) },
            new IndexModel { Keys = new BsonDocument("jobNumber", 1) },
            new IndexModel { Keys = new BsonDocument("partId", 1) },
            new IndexModel { Keys = new BsonDocument("departmentId", 1).Add("capturedAt", -1) },
            new IndexModel { Keys = new BsonDocument("qualityScore", 1) },
            new IndexModel { Keys = new BsonDocument("checksumMD5", 1), Unique = true, Sparse = true, Name = "checksum_unique" },
        ]).GetAwaiter().GetResult();
        _raw = new SqliteConnection($"Data Source={Path.Combine(_dir, "raw.db")};Pooling=false");
        _raw.Open();
        using var pragma = _raw.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE docs(id BLOB PRIMARY KEY, doc BLOB NOT NULL) WITHOUT ROWID;";
        pragma.ExecuteNonQuery();
    }

    [IterationCleanup]
    public void CloseStores()
    {
        _engine!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _raw!.Dispose();
        SqliteConnection.ClearAllPools();
        if (_pgDatabase is not null)
        {
            RunPostgresAdmin($"DROP DATABASE IF EXISTS {_pgDatabase} WITH (FORCE)");
            _pgDatabase = null;
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    /// <summary>insertMany of 10,000 ~2 KB photo documents with 6 secondary indexes (batches of 1,000).</summary>
    [Benchmark]
    public async Task Engine_insertMany_with_6_indexes()
    {
        for (var i = 0; i < Documents; i += 1000)
        {
            // Unique checksums so the unique index accepts every document.
            var batch = _photos.GetRange(i, 1000).Select((d, j) => d.DeepClone().Set("checksumMD5", $"md5_{i + j}")).ToList();
            await _collection!.InsertAsync(batch);
        }
    }

    /// <summary>Raw baseline: the same BSON blobs into a plain table, one transaction per 1,000.</summary>
    [Benchmark(Baseline = true)]
    public void Raw_sqlite_blob_insert()
    {
        for (var i = 0; i < Documents; i += 1000)
        {
            using var tx = _raw!.BeginTransaction();
            using var insert = _raw.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT INTO docs(id, doc) VALUES ($id, $doc)";
            var id = insert.Parameters.Add("$id", SqliteType.Blob);
            var doc = insert.Parameters.Add("$doc", SqliteType.Blob);
            for (var j = i; j < i + 1000; j++)
            {
                id.Value = System.Text.Encoding.UTF8.GetBytes((string)_photos[j]["_id"].AsString);
                doc.Value = _blobs[j];
                insert.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    /// <summary>2,000 _id point lookups through find (after loading 10,000 documents).</summary>
    [Benchmark]
    public async Task Engine_id_lookups()
    {
        for (var i = 0; i < Lookups; i++)
        {
            await using var cursor = await _collection!.FindAsync(new FindOptions { Filter = new BsonDocument("_id", $"photo_{(i * 7) % Documents:D6}") });
            var batch = await cursor.NextBatchAsync(1);
            if (batch.Count != 1) throw new InvalidOperationException("missing document");
        }
    }

    /// <summary>Raw baseline: 2,000 primary-key lookups returning the blob, decoded to a BsonDocument as the engine does.</summary>
    [Benchmark]
    public void Raw_sqlite_pk_lookups()
    {
        using var select = _raw!.CreateCommand();
        select.CommandText = "SELECT doc FROM docs WHERE id = $id";
        var id = select.Parameters.Add("$id", SqliteType.Blob);
        for (var i = 0; i < Lookups; i++)
        {
            id.Value = System.Text.Encoding.UTF8.GetBytes($"photo_{(i * 7) % Documents:D6}");
            var blob = (byte[])select.ExecuteScalar()!;
            _ = BsonSerializer.Deserialize(blob);
        }
    }

    /// <summary>Indexed range: one station's photos in a time window, newest first (uses stationId_1_capturedAt_-1).</summary>
    [Benchmark]
    public async Task Engine_indexed_range_query()
    {
        for (var s = 0; s < 40; s++)
        {
            var filter = new BsonDocument("stationId", $"station_{s}").Add("capturedAt", new BsonDocument("$gte", new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc)));
            await using var cursor = await _collection!.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("capturedAt", -1), Limit = 50 });
            await cursor.ToListAsync();
        }
    }

    /// <summary>
    /// A dashboard: per-station photo count, average and worst quality over a recent window, sorted — one aggregate
    /// over the 10,000 documents (no index leads with capturedAt, so it scans the collection).
    /// </summary>
    [Benchmark]
    public async Task Engine_dashboard_aggregation()
    {
        var pipeline = new BsonArray
        {
            new BsonDocument("$match", new BsonDocument("capturedAt", new BsonDocument("$gte", new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc)))),
            new BsonDocument("$group", new BsonDocument("_id", "$stationId")
                .Add("photos", new BsonDocument("$sum", 1))
                .Add("avgQuality", new BsonDocument("$avg", "$qualityScore"))
                .Add("worst", new BsonDocument("$min", "$qualityScore"))),
            new BsonDocument("$sort", new BsonDocument("avgQuality", -1)),
        };
        await using var cursor = await _collection!.AggregateAsync(pipeline);
        var rows = await cursor.ToListAsync();
        if (rows.Count != 40) throw new InvalidOperationException($"expected 40 stations, got {rows.Count}");
    }

    private async Task<OutpostEngine> OpenEngineAsync()
    {
        if (Backend == "sqlite")
            return await OutpostEngine.OpenAsync(Path.Combine(_dir, "engine.db"));
        _pgDatabase = "outpost_bench_" + Guid.NewGuid().ToString("N");
        RunPostgresAdmin($"CREATE DATABASE {_pgDatabase}");
        var connection = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresEnvironmentVariable)) { Database = _pgDatabase };
        var storage = await PostgresStorageEngine.OpenAsync(connection.ConnectionString);
        return await OutpostEngine.OpenAsync(new EngineOptions { Storage = storage, OwnsStorage = true });
    }

    private static void RunPostgresAdmin(string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable(PostgresEnvironmentVariable)) { Database = "postgres", Pooling = false };
        using var connection = new NpgsqlConnection(admin.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    private async Task LoadEngineAsync()
    {
        for (var i = 0; i < Documents; i += 1000)
            await _collection!.InsertAsync(_photos.GetRange(i, 1000).Select((d, j) => d.DeepClone().Set("checksumMD5", $"md5_{i + j}")).ToList());
    }

    private void LoadRaw() => Raw_sqlite_blob_insert();
}
