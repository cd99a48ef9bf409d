namespace Outpost.Query.Tests.Pipeline;

/// <summary>
/// $bucketAuto with <c>granularity</c>. Expected buckets follow mongod's algorithm (boundaries rounded up to the series,
/// following values below the boundary absorbed, the next bucket starting at the previous maximum, the first minimum
/// rounded down) on the MongoDB manual's "things" collection, _id 0–99, 5 buckets; the POWERSOF2 result is the one
/// the manual prints. Boundaries are doubles for the preferred-number series and $pow(2, n) integers for POWERSOF2.
/// </summary>
public class BucketAutoGranularityTests : PipelineTestBase
{
    private static readonly string Things = "[" + string.Join(", ", Enumerable.Range(0, 100).Select(i => $"{{ _id: {i} }}")) + "]";

    [Theory]
    [InlineData("R20", "[{ _id: { min: 0, max: 20.0 }, count: 20 }, { _id: { min: 20.0, max: 40.0 }, count: 20 }, { _id: { min: 40.0, max: 63.0 }, count: 23 }, { _id: { min: 63.0, max: 90.0 }, count: 27 }, { _id: { min: 90.0, max: 100.0 }, count: 10 }]")]
    [InlineData("E12", "[{ _id: { min: 0, max: 22.0 }, count: 22 }, { _id: { min: 22.0, max: 47.0 }, count: 25 }, { _id: { min: 47.0, max: 68.0 }, count: 21 }, { _id: { min: 68.0, max: 100.0 }, count: 32 }]")]
    [InlineData("POWERSOF2", "[{ _id: { min: 0, max: 32 }, count: 32 }, { _id: { min: 32, max: 64 }, count: 32 }, { _id: { min: 64, max: 128 }, count: 36 }]")]
    [InlineData("1-2-5", "[{ _id: { min: 0, max: 20.0 }, count: 20 }, { _id: { min: 20.0, max: 50.0 }, count: 30 }, { _id: { min: 50.0, max: 100.0 }, count: 50 }]")]
    public async Task Boundaries_follow_the_series(string granularity, string expected) =>
        await CheckAsync($"[{{ $bucketAuto: {{ groupBy: '$_id', buckets: 5, granularity: '{granularity}' }} }}]", Things, expected);

    [Fact]
    public async Task A_bucket_of_zeros_ends_at_the_next_value_rounded_down()
    {
        // Rounding 0 up stays 0, so the first bucket's maximum becomes roundDown(1) = 0.63 in R5 (from 1.0 one step down).
        await CheckAsync(
            "[{ $bucketAuto: { groupBy: '$v', buckets: 2, granularity: 'R5' } }]",
            "[{ v: 0 }, { v: 0 }, { v: 0 }, { v: 1 }, { v: 2 }, { v: 3 }]",
            "[{ _id: { min: 0, max: 0.63 }, count: 3 }, { _id: { min: 0.63, max: 4.0 }, count: 3 }]");
    }

    [Fact]
    public async Task Values_between_decades_round_to_the_next_decade()
    {
        // E6 ends at 6.8 per decade: 0.8 rounds up to 1.0, and 7 (above 6.8) up to 10; the first minimum 0.5 rounds down
        // to 47 × 0.01, which in mongod's double arithmetic is 0.47000000000000003.
        await CheckAsync(
            "[{ $bucketAuto: { groupBy: '$v', buckets: 2, granularity: 'E6' } }]",
            "[{ v: 0.5 }, { v: 0.8 }, { v: 7 }, { v: 7.5 }]",
            "[{ _id: { min: 0.47000000000000003, max: 1.0 }, count: 2 }, { _id: { min: 1.0, max: 10.0 }, count: 2 }]");
    }

    [Fact]
    public async Task Powers_of_two_of_fractions_are_doubles()
    {
        await CheckAsync(
            "[{ $bucketAuto: { groupBy: '$v', buckets: 1, granularity: 'POWERSOF2' } }]",
            "[{ v: 0.3 }, { v: 0.7 }]",
            "[{ _id: { min: 0.25, max: 1 }, count: 2 }]");
    }

    [Theory]
    [InlineData("granularity: 'R7'", "[{ v: 1 }]", 40257)]
    [InlineData("granularity: 5", "[{ v: 1 }]", 40261)]
    [InlineData("granularity: 'R5'", "[{ v: 'x' }]", 40258)]
    [InlineData("granularity: 'R5'", "[{ w: 1 }]", 40258)]
    [InlineData("granularity: 'E6'", "[{ v: NaN }]", 40259)]
    [InlineData("granularity: 'POWERSOF2'", "[{ v: -1 }]", 40260)]
    public async Task Invalid_granularity_or_values_fail_with_MongoDB_codes(string option, string documents, int code) =>
        Assert.Equal(code, await ErrorCodeAsync($"[{{ $bucketAuto: {{ groupBy: '$v', buckets: 2, {option} }} }}]", documents));
}
