using Outpost.Bson;

namespace Outpost.Query.Tests.Pipeline;

public class JoinStageTests : PipelineTestBase
{
    private static InMemoryPipelineHost Host() => new InMemoryPipelineHost()
        .With("inventory", "[{ _id: 1, sku: 'almonds', qty: 120 }, { _id: 2, sku: 'bread', qty: 80 }, { _id: 3, sku: 'cashews', qty: 60 }, { _id: 4, qty: 1 }]")
        .With("employees", """
            [
              { _id: 1, name: 'Dev' },
              { _id: 2, name: 'Eliot', reportsTo: 'Dev' },
              { _id: 3, name: 'Ron', reportsTo: 'Eliot' },
              { _id: 4, name: 'Andrew', reportsTo: 'Eliot' },
              { _id: 5, name: 'Asya', reportsTo: 'Ron' }
            ]
            """);

    [Fact]
    public async Task Lookup_equality_matches_scalars_arrays_and_null_to_missing()
    {
        await CheckAsync(
            "[{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', as: 'inv' } }, { $project: { _id: 1, n: { $size: '$inv' }, ids: '$inv._id' } }]",
            "[{ _id: 1, item: 'almonds' }, { _id: 2, item: ['bread', 'cashews'] }, { _id: 3 }, { _id: 4, item: 'none' }]",
            "[{ _id: 1, n: 1, ids: [1] }, { _id: 2, n: 2, ids: [2, 3] }, { _id: 3, n: 1, ids: [4] }, { _id: 4, n: 0, ids: [] }]",
            Host());
    }

    [Fact]
    public async Task Lookup_pipeline_with_let_variables()
    {
        await CheckAsync(
            """
            [{ $lookup: { from: 'inventory', let: { need: '$need' },
                pipeline: [{ $match: { $expr: { $gte: ['$qty', '$$need'] } } }, { $project: { _id: 0, sku: 1 } }], as: 'ok' } },
             { $project: { _id: 0, ok: 1 } }]
            """,
            "[{ need: 70 }, { need: 100 }]",
            "[{ ok: [{ sku: 'almonds' }, { sku: 'bread' }] }, { ok: [{ sku: 'almonds' }] }]",
            Host());
    }

    [Fact]
    public async Task Lookup_equality_plus_pipeline()
    {
        await CheckAsync(
            "[{ $lookup: { from: 'inventory', localField: 'item', foreignField: 'sku', pipeline: [{ $project: { _id: 0, qty: 1 } }], as: 'inv' } }, { $project: { _id: 0, inv: 1 } }]",
            "[{ item: 'bread' }]",
            "[{ inv: [{ qty: 80 }] }]",
            Host());
    }

    [Fact]
    public async Task GraphLookup_walks_the_hierarchy_with_depth()
    {
        await CheckAsync(
            """
            [{ $match: { name: 'Asya' } },
             { $graphLookup: { from: 'employees', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', depthField: 'd' } },
             { $project: { _id: 0, chain: { $map: { input: '$chain', in: { n: '$$this.name', d: '$$this.d' } } } } }]
            """,
            "[{ _id: 5, name: 'Asya', reportsTo: 'Ron' }]",
            "[{ chain: [{ n: 'Ron', d: NumberLong(0) }, { n: 'Eliot', d: NumberLong(1) }, { n: 'Dev', d: NumberLong(2) }] }]",
            Host());
    }

    [Fact]
    public async Task GraphLookup_respects_maxDepth()
    {
        await CheckAsync(
            "[{ $graphLookup: { from: 'employees', startWith: '$reportsTo', connectFromField: 'reportsTo', connectToField: 'name', as: 'chain', maxDepth: 0 } }, { $project: { _id: 0, c: '$chain.name' } }]",
            "[{ reportsTo: 'Ron' }]",
            "[{ c: ['Ron'] }]",
            Host());
    }

    [Fact]
    public async Task UnionWith_appends_another_collection_through_its_pipeline()
    {
        await CheckAsync(
            "[{ $unionWith: { coll: 'inventory', pipeline: [{ $match: { qty: { $lt: 70 } } }, { $project: { _id: 0, sku: 1 } }] } }]",
            "[{ a: 1 }]",
            "[{ a: 1 }, { sku: 'cashews' }, {}]",
            Host());
    }

    [Fact]
    public async Task Out_is_handed_to_the_host()
    {
        var host = Host();
        await CheckAsync("[{ $match: { a: 1 } }, { $out: 'result' }]", "[{ a: 1 }, { a: 2 }]", "[]", host);
        Assert.Equal(["$out"], host.ExecutedStages);
        Assert.Single(host.Collections["result"]);
    }

    [Fact]
    public async Task Out_must_be_last_and_is_refused_inside_lookup()
    {
        Assert.Equal(40601, await ErrorCodeAsync("[{ $out: 'x' }, { $limit: 1 }]", host: Host()));
        Assert.Equal(51047, await ErrorCodeAsync("[{ $lookup: { from: 'inventory', pipeline: [{ $out: 'x' }], as: 'a' } }]", host: Host()));
        Assert.Equal(9, await ErrorCodeAsync("[{ $lookup: { from: 'inventory', as: 'a' } }]", host: Host()));
    }
}

public class WindowStageTests : PipelineTestBase
{
    private const string Sales = """
        [
          { _id: 1, st: 'A', d: 1, v: 10 },
          { _id: 2, st: 'A', d: 2, v: 20 },
          { _id: 3, st: 'A', d: 3, v: 20 },
          { _id: 4, st: 'A', d: 4, v: 40 },
          { _id: 5, st: 'B', d: 1, v: 5 }
        ]
        """;

    [Theory]
    [InlineData("{ r: { $rank: {} } }", "{ v: 1 }", "[1, 2, 2, 4, 1]")]
    [InlineData("{ r: { $denseRank: {} } }", "{ v: 1 }", "[1, 2, 2, 3, 1]")]
    [InlineData("{ r: { $documentNumber: {} } }", "{ v: 1 }", "[1, 2, 3, 4, 1]")]
    [InlineData("{ r: { $sum: '$v', window: { documents: ['unbounded', 'current'] } } }", "{ d: 1 }", "[10, 30, 50, 90, 5]")]
    [InlineData("{ r: { $avg: '$v', window: { documents: [-1, 1] } } }", "{ d: 1 }", "[15.0, 16.666666666666668, 26.666666666666668, 30.0, 5.0]")]
    [InlineData("{ r: { $sum: '$v' } }", "{ d: 1 }", "[90, 90, 90, 90, 5]")]
    [InlineData("{ r: { $max: '$v', window: { range: [-1, 0] } } }", "{ d: 1 }", "[10, 20, 20, 40, 5]")]
    [InlineData("{ r: { $count: {}, window: { range: ['unbounded', 1] } } }", "{ d: 1 }", "[2, 3, 4, 4, 1]")]
    [InlineData("{ r: { $push: '$v', window: { documents: ['current', 1] } } }", "{ d: 1 }", "[[10, 20], [20, 20], [20, 40], [40], [5]]")]
    [InlineData("{ r: { $shift: { output: '$v', by: -1, default: 0 } } }", "{ d: 1 }", "[0, 10, 20, 20, 0]")]
    [InlineData("{ r: { $shift: { output: '$v', by: 1 } } }", "{ d: 1 }", "[20, 20, 40, null, null]")]
    [InlineData("{ r: { $derivative: { input: '$v' }, window: { documents: [-1, 0] } } }", "{ d: 1 }", "[null, 10.0, 0.0, 20.0, null]")]
    [InlineData("{ r: { $integral: { input: '$v' }, window: { documents: ['unbounded', 'current'] } } }", "{ d: 1 }", "[0.0, 15.0, 35.0, 65.0, 0.0]")]
    [InlineData("{ r: { $expMovingAvg: { input: '$v', alpha: 0.5 } } }", "{ d: 1 }", "[10.0, 15.0, 17.5, 28.75, 5.0]")]
    [InlineData("{ r: { $first: '$v', window: { documents: [-1, 0] } } }", "{ d: 1 }", "[10, 10, 20, 20, 5]")]
    public async Task Computes_window_functions(string output, string sortBy, string expected)
    {
        var results = await RunAsync($"[{{ $setWindowFields: {{ partitionBy: '$st', sortBy: {sortBy}, output: {output} }} }}, {{ $sort: {{ _id: 1 }} }}]", Sales);
        BsonAssert.Equal(AggJson.Array(expected), new BsonArray(results.Select(d => d["r"])));
    }

    [Fact]
    public async Task Rank_requires_a_single_sort_field()
    {
        Assert.Equal(5371602, await ErrorCodeAsync("[{ $setWindowFields: { output: { r: { $rank: {} } } } }]"));
    }

    [Fact]
    public async Task Densify_fills_numeric_gaps_per_partition()
    {
        await CheckAsync(
            "[{ $densify: { field: 'x', partitionByFields: ['p'], range: { step: 1, bounds: 'partition' } } }, { $project: { _id: 0, p: 1, x: 1 } }]",
            "[{ p: 'a', x: 1 }, { p: 'a', x: 4 }, { p: 'b', x: 10 }]",
            "[{ p: 'a', x: 1 }, { p: 'a', x: 2 }, { p: 'a', x: 3 }, { p: 'a', x: 4 }, { p: 'b', x: 10 }]");
    }

    [Fact]
    public async Task Densify_dates_with_explicit_bounds()
    {
        await CheckAsync(
            "[{ $densify: { field: 't', range: { step: 1, unit: 'day', bounds: [ISODate('2024-01-01T00:00:00Z'), ISODate('2024-01-04T00:00:00Z')] } } }]",
            "[{ t: ISODate('2024-01-02T00:00:00Z'), v: 1 }]",
            "[{ t: ISODate('2024-01-01T00:00:00Z') }, { t: ISODate('2024-01-02T00:00:00Z'), v: 1 }, { t: ISODate('2024-01-03T00:00:00Z') }]");
    }

    [Fact]
    public async Task Fill_with_value_locf_and_linear()
    {
        await CheckAsync(
            "[{ $fill: { sortBy: { t: 1 }, output: { a: { value: 0 }, b: { method: 'locf' }, c: { method: 'linear' } } } }, { $project: { _id: 0, t: 1, a: 1, b: 1, c: 1 } }]",
            "[{ t: 1, a: 5, b: 1, c: 10 }, { t: 2, a: null, b: null, c: null }, { t: 3, b: 3, c: 30 }]",
            "[{ t: 1, a: 5, b: 1, c: 10 }, { t: 2, a: 0, b: 1, c: 20.0 }, { t: 3, b: 3, c: 30, a: 0 }]");
    }
}
