using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using Outpost.Storage;
using Outpost.Storage.Sqlite;

namespace Outpost.Benchmarks.Storage;

/// <summary>
/// The storage layer's share of a bulk insert: 100,000 documents of ~1.5 KB, each with 7 index entries and one
/// change-log entry, in one transaction, against the raw baseline the engine goal is stated in (the same blobs
/// inserted into a plain SQLite table by Microsoft.Data.Sqlite, same WAL + synchronous=FULL settings).
/// Run: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*StorageBulkInsert*'
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class StorageBulkInsertBenchmarks
{
    private const int IndexCount = 7;
    private byte[][] _ids = [];
    private byte[][] _documents = [];
    private byte[][][] _indexKeys = [];
    private byte[][] _logEntries = [];
    private string _directory = "";

    [Params(100_000)]
    public int Documents { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        _ids = new byte[Documents][];
        _documents = new byte[Documents][];
        _indexKeys = new byte[Documents][][];
        _logEntries = new byte[Documents][];
        for (var i = 0; i < Documents; i++)
        {
            // An ObjectId-like _id key: a type byte, then 12 increasing bytes.
            var id = new byte[13];
            id[0] = 0x07;
            BitConverter.TryWriteBytes(id.AsSpan(1), (long)i << 8);
            Array.Reverse(id, 1, 8);
            random.NextBytes(id.AsSpan(9));
            _ids[i] = id;
            var document = new byte[1400 + random.Next(200)];
            random.NextBytes(document);
            _documents[i] = document;
            _indexKeys[i] = new byte[IndexCount][];
            for (var j = 0; j < IndexCount; j++)
            {
                // Encoded index value (random, 8..24 bytes) followed by the _id, as the engine lays non-unique entries out.
                var key = new byte[8 + random.Next(17) + id.Length];
                random.NextBytes(key.AsSpan(0, key.Length - id.Length));
                id.CopyTo(key, key.Length - id.Length);
                _indexKeys[i][j] = key;
            }

            _logEntries[i] = new byte[64];
            random.NextBytes(_logEntries[i]);
        }
    }

    [IterationSetup]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), "outpost-bench-storage", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    [IterationCleanup]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, Description = "raw SQLite: blobs into a plain table")]
    public void RawSqliteBlobInsert()
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "raw.db")};Pooling=False");
        connection.Open();
        using var setup = connection.CreateCommand();
        setup.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; CREATE TABLE docs(id BLOB PRIMARY KEY, doc BLOB NOT NULL);";
        setup.ExecuteNonQuery();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO docs(id, doc) VALUES ($id, $doc)";
        var id = insert.Parameters.Add("$id", SqliteType.Blob);
        var doc = insert.Parameters.Add("$doc", SqliteType.Blob);
        insert.Prepare();
        for (var i = 0; i < Documents; i++)
        {
            id.Value = _ids[i];
            doc.Value = _documents[i];
            insert.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    [Benchmark(Description = "storage: doc + 7 index entries + log entry")]
    public async Task StorageInsertWithIndexEntries()
    {
        await using var engine = await SqliteStorageEngine.OpenAsync(Path.Combine(_directory, "outpost.db"));
        await using var transaction = await engine.BeginAsync(StorageTransactionMode.ReadWrite);
        for (var i = 0; i < Documents; i++)
        {
            await transaction.InsertAsync(1, _ids[i], _documents[i]);
            var keys = _indexKeys[i];
            for (var j = 0; j < keys.Length; j++) await transaction.PutAsync(2 + j, keys[j], ReadOnlyMemory<byte>.Empty);
            transaction.AppendLog(_logEntries[i]);
        }

        await transaction.CommitAsync();
    }
}
