using Outpost.Bson;
using Outpost.Query.Pipeline;

namespace Outpost.Query.Tests.Pipeline;

/// <summary>Blocking stages against a small memory limit: error 292 without allowDiskUse, spill to temp files with it.</summary>
public sealed class MemoryLimitTests : PipelineTestBase, IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "outpost-query-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_temp))
        {
            Directory.Delete(_temp, recursive: true);
        }
    }

    private QueryContext Small(bool allowDiskUse) => new() { MemoryLimitBytes = 20_000, AllowDiskUse = allowDiskUse, TempDirectory = _temp };

    private static List<BsonDocument> Docs(int n)
    {
        var random = new Random(42);
        return [.. Enumerable.Range(0, n).Select(i => new BsonDocument
        {
            { "_id", i },
            { "k", random.Next(0, 500) },
            { "v", random.Next(0, 1000) },
            { "pad", new string('x', 50) },
        })];
    }

    private async Task<List<BsonDocument>> Run(string pipeline, QueryContext context, List<BsonDocument> docs)
    {
        var compiled = AggregationPipeline.Compile(AggJson.Array(pipeline), context);
        var result = new List<BsonDocument>();
        await foreach (var d in compiled.ExecuteAsync(docs))
        {
            result.Add(d);
        }

        return result;
    }

    [Theory]
    [InlineData("[{ $sort: { v: 1 } }]")]
    [InlineData("[{ $group: { _id: '$k', all: { $push: '$v' } } }]")]
    [InlineData("[{ $bucketAuto: { groupBy: '$v', buckets: 3 } }]")]
    [InlineData("[{ $setWindowFields: { sortBy: { v: 1 }, output: { r: { $rank: {} } } } }]")]
    public async Task Fails_with_292_past_the_limit_without_allowDiskUse(string pipeline)
    {
        var ex = await Assert.ThrowsAsync<MongoException>(() => Run(pipeline, Small(false), Docs(2000)));
        Assert.Equal(292, ex.Code);
        Assert.Equal("QueryExceededMemoryLimitNoDiskUseAllowed", ex.CodeName);
    }

    [Fact]
    public async Task Sort_spills_sorted_runs_and_merges_them_stably()
    {
        var docs = Docs(3000);
        var spilled = await Run("[{ $sort: { k: 1 } }]", Small(true), docs);
        var expected = docs.OrderBy(d => d["k"].AsInt32).ThenBy(d => d["_id"].AsInt32).ToList();
        Assert.Equal(expected.Select(d => d["_id"].AsInt32), spilled.Select(d => d["_id"].AsInt32));
        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task Group_spills_partial_states_and_gives_the_same_result_as_in_memory()
    {
        var docs = Docs(3000);
        const string pipeline = """
            [{ $group: { _id: '$k', n: { $sum: 1 }, s: { $sum: '$v' }, a: { $avg: '$v' }, mn: { $min: '$v' }, mx: { $max: '$v' },
                         f: { $first: '$_id' }, l: { $last: '$_id' }, p: { $push: '$_id' }, sd: { $stdDevPop: '$v' }, t: { $topN: { n: 2, sortBy: { v: -1 }, output: '$_id' } } } },
             { $sort: { _id: 1 } }]
            """;
        var inMemory = await Run(pipeline, new QueryContext(), docs);
        var spilled = await Run(pipeline, Small(true), docs);
        Assert.Equal(inMemory.Count, spilled.Count);
        for (int i = 0; i < inMemory.Count; i++)
        {
            var a = inMemory[i];
            var b = spilled[i];
            Assert.Equal(a["sd"].AsDouble, b["sd"].AsDouble, 9);
            a.Remove("sd");
            b.Remove("sd");
            BsonAssert.Equal(a, b);
        }

        Assert.Empty(Directory.GetFiles(_temp));
    }

    [Fact]
    public async Task BucketAuto_and_windows_sort_through_the_spilling_sort()
    {
        var docs = Docs(2000);
        var buckets = await Run("[{ $bucketAuto: { groupBy: '$v', buckets: 4 } }]", Small(true), docs);
        Assert.Equal(2000, buckets.Sum(b => b["count"].AsInt32));
        var ranked = await Run("[{ $setWindowFields: { sortBy: { _id: 1 }, output: { r: { $documentNumber: {} } } } }]", Small(true), docs);
        Assert.Equal(Enumerable.Range(1, 2000), ranked.Select(d => d["r"].AsInt32));
    }
}
