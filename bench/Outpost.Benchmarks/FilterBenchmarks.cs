using BenchmarkDotNet.Attributes;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Query;

namespace Outpost.Benchmarks;

/// <summary>
/// A 5-predicate filter over ~1.5 KB photo documents: lazy matching on bytes vs deserialize-then-match, same run.
/// Each operation matches 1,000 documents.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class FilterBenchmarks
{
    private byte[][] _docs = [];
    private QueryFilter _filter = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _docs = new byte[1000][];
        for (int i = 0; i < _docs.Length; i++)
        {
            var tags = new BsonArray();
            for (int t = 0; t < 8; t++)
            {
                tags.Add("tag" + rng.Next(30));
            }

            var doc = new BsonDocument
            {
                { "_id", ObjectId.GenerateNewId() }, { "projectId", "proj-" + rng.Next(20) }, { "department", rng.Next(2) == 0 ? "assembly" : "paint" },
                { "status", rng.Next(3) switch { 0 => "approved", 1 => "pending", _ => "rejected" } }, { "qualityScore", rng.NextDouble() * 100 },
                { "takenAt", new BsonDateTime(1_700_000_000_000 + (rng.Next(1_000_000) * 1000L)) }, { "tags", tags },
                { "camera", new BsonDocument { { "make", "Canon" }, { "model", "EOS R" + rng.Next(9) }, { "iso", rng.Next(100, 3200) } } },
                { "notes", new string('x', 700) }, { "deviceId", "device-" + rng.Next(50) }, { "syncState", "synced" },
                { "size", rng.Next(100_000, 5_000_000) }, { "width", 4000 }, { "height", 3000 }, { "uploadedBy", "user" + rng.Next(100) },
            };
            _docs[i] = BsonSerializer.Serialize(doc);
        }

        _filter = QueryFilter.Compile(new BsonDocument
        {
            { "department", "assembly" }, { "status", new BsonDocument("$in", new BsonArray { "approved", "pending" }) },
            { "qualityScore", new BsonDocument("$gte", 50.0) }, { "tags", "tag3" }, { "size", new BsonDocument("$lt", 4_000_000) },
        });
    }

    [Benchmark(Baseline = true)]
    public int DeserializeThenMatch()
    {
        int n = 0;
        foreach (var d in _docs)
        {
            n += _filter.Matches(BsonSerializer.Deserialize(d)) ? 1 : 0;
        }

        return n;
    }

    [Benchmark]
    public int LazyMatchOnBytes()
    {
        int n = 0;
        foreach (var d in _docs)
        {
            n += _filter.Matches(d.AsSpan()) ? 1 : 0;
        }

        return n;
    }
}
