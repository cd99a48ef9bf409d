using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary><see cref="BsonComparer.TryCompare"/> (a value read in place against a materialized one) agrees with <see cref="BsonComparer.Compare"/>.</summary>
public class BsonComparerViewTests
{
    private static BsonValue[] Values() =>
    [
        .. BsonComparerTests.Ascending(),
        BsonUndefined.Value, -0.0, 1L, 1.0, 2.5, (BsonValue)(1L << 53), (double)(1L << 53), (BsonValue)long.MinValue, -9.2233720368547758E18,
        int.MaxValue, int.MinValue, "é", "e\u0301", "\uD7FF", "\uE000", "日本", "a\0b".Replace("\0", "", StringComparison.Ordinal), new string('x', 300) + "é",
        new BsonSymbol("a"), new BsonSymbol("b"), new Decimal128(0x3040000000000000UL, 1UL),
    ];

    [Fact]
    public void TryCompare_has_the_sign_of_Compare_for_every_pair_it_decides()
    {
        var values = Values();
        int decided = 0;
        foreach (var x in values)
        {
            var bytes = BsonSerializer.Serialize(new BsonDocument("v", x));
            foreach (var element in new BsonDocumentView(bytes))
            {
                foreach (var y in values)
                {
                    int expected = BsonComparer.Instance.Compare(x, y);
                    if (BsonComparer.TryCompare(element.Value, y, out int actual))
                    {
                        decided++;
                        Assert.True(expected == actual, $"TryCompare({x}, {y}) = {actual}, Compare = {expected}");
                    }
                    else
                    {
                        Assert.Equal(0, actual);
                    }
                }
            }
        }

        // Most pairs are decided in place (only decimal128 and same-bracket containers, binaries, regexes… are not).
        Assert.True(decided > values.Length * values.Length * 3 / 4, $"only {decided} pairs decided");
    }

    [Fact]
    public void Numbers_compare_exactly_across_int64_and_double_in_place()
    {
        var bytes = BsonSerializer.Serialize(new BsonDocument("v", long.MaxValue));
        var view = new BsonDocumentView(bytes);
        Assert.True(view.TryGetValue("v", out var value));
        Assert.True(BsonComparer.TryCompare(value, 9.2233720368547758E18, out int c));
        Assert.Equal(-1, c); // 2^63 - 1 < 2^63, although both round to the same double
    }
}
