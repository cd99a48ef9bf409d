using Outpost.Query.Tests.Pipeline;

namespace Outpost.Query.Tests.Accumulators;

public class AccumulatorTests : PipelineTestBase
{
    private const string Scores = """
        [
          { g: 1, p: 'a', s: 10, x: 1 },
          { g: 1, p: 'b', s: 30, x: NumberLong(2) },
          { g: 1, p: 'c', s: 20, x: 'str' },
          { g: 1, p: 'd', x: null }
        ]
        """;

    [Theory]
    [InlineData("{ $sum: '$s' }", "60")]
    [InlineData("{ $sum: '$x' }", "NumberLong(3)")]
    [InlineData("{ $sum: 1 }", "4")]
    [InlineData("{ $sum: '$nothing' }", "0")]
    [InlineData("{ $avg: '$s' }", "20.0")]
    [InlineData("{ $avg: '$nothing' }", "null")]
    [InlineData("{ $min: '$x' }", "1")]
    [InlineData("{ $max: '$x' }", "'str'")]
    [InlineData("{ $max: '$nothing' }", "null")]
    [InlineData("{ $first: '$s' }", "10")]
    [InlineData("{ $last: '$s' }", "null")]
    [InlineData("{ $push: '$s' }", "[10, 30, 20]")]
    [InlineData("{ $push: { p: '$p', s: '$s' } }", "[{ p: 'a', s: 10 }, { p: 'b', s: 30 }, { p: 'c', s: 20 }, { p: 'd' }]")]
    [InlineData("{ $addToSet: { $gt: ['$s', 15] } }", "[false, true]")]
    [InlineData("{ $count: {} }", "4")]
    [InlineData("{ $mergeObjects: { $cond: [{ $eq: ['$p', 'a'] }, { a: 1 }, { b: '$p' }] } }", "{ a: 1, b: 'd' }")]
    [InlineData("{ $stdDevPop: '$s' }", "8.16496580927726")]
    [InlineData("{ $stdDevSamp: '$s' }", "10.0")]
    [InlineData("{ $top: { sortBy: { s: -1 }, output: '$p' } }", "'b'")]
    [InlineData("{ $bottom: { sortBy: { s: -1 }, output: '$p' } }", "'d'")]
    [InlineData("{ $topN: { n: 2, sortBy: { s: -1 }, output: ['$p', '$s'] } }", "[['b', 30], ['c', 20]]")]
    [InlineData("{ $bottomN: { n: 2, sortBy: { s: 1 }, output: '$p' } }", "['c', 'b']")]
    [InlineData("{ $firstN: { input: '$s', n: 2 } }", "[10, 30]")]
    [InlineData("{ $lastN: { input: '$s', n: 2 } }", "[20, null]")]
    [InlineData("{ $maxN: { input: '$s', n: 2 } }", "[30, 20]")]
    [InlineData("{ $minN: { input: '$s', n: 5 } }", "[10, 20, 30]")]
    [InlineData("{ $median: { input: '$s', method: 'approximate' } }", "20.0")]
    [InlineData("{ $percentile: { input: '$s', p: [0, 1], method: 'approximate' } }", "[10.0, 30.0]")]
    public async Task Accumulates(string accumulator, string expected) =>
        await CheckAsync($"[{{ $group: {{ _id: '$g', r: {accumulator} }} }}, {{ $project: {{ _id: 0, r: 1 }} }}]", Scores, $"[{{ r: {expected} }}]");

    [Theory]
    [InlineData("[{ s: 2147483647 }, { s: 1 }]", "NumberLong(2147483648)")]
    [InlineData("[{ s: NumberLong('9223372036854775807') }, { s: 1 }]", "9223372036854775808.0")]
    [InlineData("[{ s: 1 }, { s: NumberDecimal('0.5') }, { s: 0.25 }]", "NumberDecimal('1.75')")]
    [InlineData("[{ s: 0.1 }, { s: 0.2 }, { s: 0.3 }]", "0.6")]
    public async Task Sum_promotes_types(string docs, string expected) =>
        await CheckAsync("[{ $group: { _id: null, r: { $sum: '$s' } } }, { $project: { _id: 0, r: 1 } }]", docs, $"[{{ r: {expected} }}]");

    [Fact]
    public async Task Avg_of_decimals_is_decimal() =>
        await CheckAsync("[{ $group: { _id: null, r: { $avg: '$s' } } }, { $project: { _id: 0, r: 1 } }]", "[{ s: NumberDecimal('1') }, { s: 2 }]", "[{ r: NumberDecimal('1.5') }]");

    [Theory]
    [InlineData("{ $count: 1 }", 14)]
    [InlineData("{ $topN: { n: 0, sortBy: { s: 1 }, output: '$s' } }", 5787908)]
    [InlineData("{ $firstN: { input: '$s' } }", 5787906)]
    [InlineData("{ $percentile: { input: '$s', p: [2], method: 'approximate' } }", 7750302)]
    [InlineData("{ $median: { input: '$s', method: 'exact' } }", 2)]
    public async Task Rejects_bad_arguments(string accumulator, int code) =>
        Assert.Equal(code, await ErrorCodeAsync($"[{{ $group: {{ _id: null, r: {accumulator} }} }}]"));
}
