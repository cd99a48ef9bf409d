using Outpost.Bson;

namespace Outpost.Query.Tests.Expressions;

/// <summary>The test comparer itself must be strict, or every table above would pass vacuously.</summary>
public class BsonAssertTests
{
    [Theory]
    [InlineData("1", "1.0")]
    [InlineData("1", "NumberLong(1)")]
    [InlineData("{ a: 1, b: 2 }", "{ b: 2, a: 1 }")]
    [InlineData("[1, 2]", "[1]")]
    [InlineData("null", "undefined")]
    [InlineData("NumberDecimal('1.0')", "NumberDecimal('1')")]
    public void Distinguishes(string a, string b) => Assert.False(BsonAssert.ExactlyEqual(AggJson.Value(a), AggJson.Value(b)));

    [Fact]
    public void Equal_throws_on_mismatch() =>
        Assert.ThrowsAny<Exception>(() => BsonAssert.Equal(AggJson.Value("{ a: 1 }"), AggJson.Value("{ a: 2 }")));

    [Fact]
    public void Reads_compact_json()
    {
        var d = AggJson.Doc("{ a: 1, 'b c': [true, null, 2.5, NumberLong(3)], $d: ISODate('2024-01-01T00:00:00Z') }");
        Assert.Equal(BsonType.Int32, d["a"].Type);
        Assert.Equal(BsonType.Int64, d["b c"].AsArray[3].Type);
        Assert.Equal(BsonType.DateTime, d["$d"].Type);
    }
}
