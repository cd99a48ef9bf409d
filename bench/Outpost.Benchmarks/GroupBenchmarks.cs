using BenchmarkDotNet.Attributes;
using Outpost.Bson;
using Outpost.Query;
using Outpost.Query.Pipeline;

namespace Outpost.Benchmarks;

/// <summary>
/// $group throughput over 10,000 in-memory photo documents (one operation = one full pass): a few groups with numeric
/// accumulators, a per-day key computed with $dateToString, and a high-cardinality key with $push.
/// </summary>
[SimpleJob(warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
public class GroupBenchmarks
{
    private List<BsonDocument> _docs = [];
    private AggregationPipeline _byDepartment = null!;
    private AggregationPipeline _byDay = null!;
    private AggregationPipeline _byDevicePush = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(42);
        _docs = new List<BsonDocument>(10_000);
        for (int i = 0; i < 10_000; i++)
        {
            _docs.Add(new BsonDocument
            {
                { "_id", i }, { "departmentId", "dept-" + rng.Next(8) }, { "projectId", "proj-" + rng.Next(200) },
                { "capturedAt", new BsonDateTime(1_700_000_000_000 + (rng.Next(5_000_000) * 1000L)) },
                { "fileSize", rng.Next(100_000, 5_000_000) }, { "syncStatus", rng.Next(3) == 0 ? "pending" : "synced" },
                { "metadata", new BsonDocument { { "qualityRating", rng.Next(1, 6) }, { "defectsFound", new BsonArray { "scratch" } } } },
                { "deviceId", "device-" + rng.Next(2_000) },
            });
        }

        var ctx = QueryContext.Default;
        _byDepartment = AggregationPipeline.Compile(
            [new BsonDocument("$group", new BsonDocument
            {
                { "_id", "$departmentId" }, { "n", new BsonDocument("$sum", 1) }, { "avgSize", new BsonDocument("$avg", "$fileSize") },
                { "maxQ", new BsonDocument("$max", "$metadata.qualityRating") },
                { "synced", new BsonDocument("$avg", new BsonDocument("$cond", new BsonArray { new BsonDocument("$eq", new BsonArray { "$syncStatus", "synced" }), 1, 0 })) },
            })], ctx);
        _byDay = AggregationPipeline.Compile(
            [new BsonDocument("$group", new BsonDocument
            {
                { "_id", new BsonDocument("$dateToString", new BsonDocument { { "format", "%Y-%m-%d" }, { "date", "$capturedAt" } }) },
                { "n", new BsonDocument("$sum", 1) }, { "defects", new BsonDocument("$sum", new BsonDocument("$size", "$metadata.defectsFound")) },
            })], ctx);
        _byDevicePush = AggregationPipeline.Compile(
            [new BsonDocument("$group", new BsonDocument { { "_id", "$deviceId" }, { "ids", new BsonDocument("$push", "$_id") } })], ctx);
    }

    private static async Task<int> Drain(AggregationPipeline pipeline, List<BsonDocument> docs)
    {
        int n = 0;
        await foreach (var _ in pipeline.ExecuteAsync(docs))
        {
            n++;
        }

        return n;
    }

    [Benchmark(Baseline = true)]
    public Task<int> GroupByDepartment() => Drain(_byDepartment, _docs);

    [Benchmark]
    public Task<int> GroupByDayDateToString() => Drain(_byDay, _docs);

    [Benchmark]
    public Task<int> GroupByDevicePush() => Drain(_byDevicePush, _docs);
}
