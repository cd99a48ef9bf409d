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

public class PipelineHostAndOptimizationTests : PipelineTestBase
{
    [Fact]
    public async Task Claimed_leading_stages_are_left_to_the_host()
    {
        // The host claims the leading $geoNear (which the library cannot run) and produces the input itself.
        var host = new InMemoryPipelineHost { Claim = 1 };
        await CheckAsync("[{ $geoNear: { near: [0, 0], distanceField: 'd' } }, { $project: { _id: 0, a: 1 } }]", "[{ a: 1, b: 2 }]", "[{ a: 1 }]", host);
    }

    [Fact]
    public async Task Sort_then_limit_keeps_only_the_top_k_within_a_tiny_memory_limit()
    {
        var docs = "[" + string.Join(", ", Enumerable.Range(0, 3000).Select(i => $"{{ _id: {i}, v: {(i * 7919) % 3000}, pad: '{new string('x', 40)}' }}")) + "]";
        var context = new QueryContext { MemoryLimitBytes = 20_000 };
        await CheckAsync("[{ $sort: { v: -1 } }, { $limit: 3 }, { $project: { _id: 0, v: 1 } }]", docs, "[{ v: 2999 }, { v: 2998 }, { v: 2997 }]", context: context);
        Assert.Equal(292, await ErrorCodeAsync("[{ $sort: { v: -1 } }, { $skip: 1 }, { $limit: 3 }]", docs, context: context));
    }

    [Fact]
    public async Task Group_keys_follow_the_collation()
    {
        var context = new QueryContext { Collation = Sorting.Collation.FromDocument(AggJson.Doc("{ locale: 'en', strength: 2 }")) };
        var result = await RunAsync("[{ $group: { _id: '$c', n: { $sum: 1 } } }]", "[{ c: 'Oslo' }, { c: 'oslo' }, { c: 'Rome' }]", context);
        Assert.Equal([2, 1], result.Select(d => d["n"].AsInt32));
    }

    [Fact]
    public async Task Comparison_expressions_follow_the_collation()
    {
        var context = new QueryContext { Collation = Sorting.Collation.FromDocument(AggJson.Doc("{ locale: 'en', strength: 1 }")) };
        await CheckAsync("[{ $project: { _id: 0, eq: { $eq: ['$a', 'resume'] } } }]", "[{ a: 'Résumé' }]", "[{ eq: true }]", context: context);
    }
}

public class CrudSpecAggregateTests : PipelineTestBase
{
    [Fact]
    public async Task Aggregate_with_let_option_from_the_CRUD_spec()
    {
        var vars = AggregationExpression.EvaluateVariables(AggJson.Doc("{ id: 1, x: 'foo', y: { $literal: '$bar' }, rand: { $rand: {} } }"), QueryContext.Default);
        Assert.Equal(BsonType.Double, vars["rand"].Type);
        var context = new QueryContext { Variables = vars };
        var result = await RunAsync(
            "[{ $match: { $expr: { $eq: ['$_id', '$$id'] } } }, { $project: { _id: 0, x: '$$x', y: '$$y', rand: '$$rand' } }]",
            "[{ _id: 1 }, { _id: 2 }]", context);
        var doc = Assert.Single(result);
        Assert.Equal("foo", doc["x"].AsString);
        Assert.Equal("$bar", doc["y"].AsString);
        Assert.Equal(vars["rand"].AsDouble, doc["rand"].AsDouble);
    }

    [Fact]
    public async Task Aggregate_with_collation_from_the_CRUD_spec()
    {
        var context = new QueryContext { Collation = Sorting.Collation.FromDocument(AggJson.Doc("{ locale: 'en_US', strength: 2 }")) };
        await CheckAsync("[{ $match: { x: 'PING' } }]", "[{ _id: 1, x: 'ping' }, { _id: 2, x: 'pong' }]", "[{ _id: 1, x: 'ping' }]", context: context);
    }

    [Fact]
    public async Task Aggregate_with_multiple_stages_from_the_CRUD_spec()
    {
        await CheckAsync("[{ $sort: { x: 1 } }, { $match: { _id: { $gt: 1 } } }]", "[{ _id: 1, x: 11 }, { _id: 2, x: 22 }, { _id: 3, x: 33 }]", "[{ _id: 2, x: 22 }, { _id: 3, x: 33 }]");
    }
}

public class WindowRangeDirectionTests : PipelineTestBase
{
    [Fact]
    public async Task Range_windows_are_value_based_in_either_sort_direction()
    {
        const string docs = "[{ _id: 1, t: 1, v: 1 }, { _id: 2, t: 2, v: 10 }, { _id: 3, t: 4, v: 100 }]";
        var asc = await RunAsync("[{ $setWindowFields: { sortBy: { t: 1 }, output: { s: { $sum: '$v', window: { range: [-1, 0] } } } } }]", docs);
        var desc = await RunAsync("[{ $setWindowFields: { sortBy: { t: -1 }, output: { s: { $sum: '$v', window: { range: [-1, 0] } } } } }, { $sort: { _id: 1 } }]", docs);
        BsonAssert.Equal(AggJson.Array("[1, 11, 100]"), new BsonArray(asc.Select(d => d["s"])));
        BsonAssert.Equal(AggJson.Array("[1, 11, 100]"), new BsonArray(desc.Select(d => d["s"])));
    }
}

public class WindowValidationTests : PipelineTestBase
{
    [Theory]
    [InlineData("{ r: { $sum: '$v', window: { documents: [-1, 0] } } }", null, 5339901)]
    [InlineData("{ r: { $sum: '$v', window: { range: [-1, 0] } } }", "{ a: 1, b: 1 }", 5339902)]
    [InlineData("{ r: { $shift: { output: '$v', by: 1 } } }", null, 9)]
    [InlineData("{ r: { $shift: { output: '$v', by: 1 }, window: { documents: [0, 1] } } }", "{ t: 1 }", 9)]
    [InlineData("{ r: { $derivative: { input: '$v', unit: 'hour' }, window: { documents: [-1, 0] } } }", "{ t: 1 }", 5624900)]
    [InlineData("{ r: { $derivative: { input: '$v' }, window: { documents: [-1, 0] } } }", "{ d: 1 }", 5624901)]
    [InlineData("{ r: { $integral: { input: '$v', unit: 'hour' } } }", "{ t: 1 }", 5423901)]
    [InlineData("{ r: { $integral: { input: '$v' } } }", "{ d: 1 }", 5423902)]
    public async Task Rejects_invalid_windows(string output, string? sortBy, int code)
    {
        string sort = sortBy is null ? string.Empty : $"sortBy: {sortBy}, ";
        Assert.Equal(code, await ErrorCodeAsync($"[{{ $setWindowFields: {{ {sort}output: {output} }} }}]", "[{ t: 1, v: 1, d: ISODate('2024-01-01T00:00:00Z') }, { t: 2, v: 2, d: ISODate('2024-01-01T01:00:00Z') }]"));
    }

    [Fact]
    public async Task Partition_by_an_array_is_a_type_mismatch() =>
        Assert.Equal(14, await ErrorCodeAsync("[{ $setWindowFields: { partitionBy: '$a', output: { r: { $sum: 1 } } } }]", "[{ a: [1] }]"));

    [Fact]
    public async Task Range_current_bound_is_the_current_document_not_its_value()
    {
        var result = await RunAsync("[{ $setWindowFields: { sortBy: { t: 1 }, output: { r: { $sum: '$v', window: { range: ['unbounded', 'current'] } } } } }]",
            "[{ t: 1, v: 1 }, { t: 1, v: 10 }, { t: 2, v: 100 }]");
        BsonAssert.Equal(AggJson.Array("[1, 11, 111]"), new BsonArray(result.Select(d => d["r"])));
    }

    [Fact]
    public async Task Derivative_and_integral_with_date_units()
    {
        var result = await RunAsync(
            "[{ $setWindowFields: { sortBy: { d: 1 }, output: { rate: { $derivative: { input: '$v', unit: 'hour' }, window: { documents: [-1, 0] } }, area: { $integral: { input: '$v', unit: 'hour' }, window: { documents: ['unbounded', 'current'] } } } } }]",
            "[{ d: ISODate('2024-01-01T00:00:00Z'), v: 0 }, { d: ISODate('2024-01-01T02:00:00Z'), v: 10 }]");
        BsonAssert.Equal(AggJson.Array("[null, 5.0]"), new BsonArray(result.Select(d => d["rate"])));
        BsonAssert.Equal(AggJson.Array("[0.0, 10.0]"), new BsonArray(result.Select(d => d["area"])));
    }
}
