namespace Outpost.Bson.Tests;

public class BsonComparerTests
{
    private static readonly ObjectId Oid = ObjectId.Parse("56e1fc72e0c917e9c4714161");

    /// <summary>Values in strictly ascending MongoDB order (no decimals: their formatting is tested elsewhere).</summary>
    public static BsonValue[] Ascending() =>
    [
        BsonMinKey.Value,
        BsonNull.Value,
        double.NaN,
        double.NegativeInfinity,
        long.MinValue,
        -1.5,
        -1,
        0,
        0.5,
        1,
        (BsonValue)9007199254740993L, // 2^53 + 1: above 2^53 as a double
        long.MaxValue,
        9.2233720368547758E18, // 2^63: larger than long.MaxValue
        double.PositiveInfinity,
        "",
        "a",
        "ab",
        "b",
        "\uFFFF",
        "\U0001F600", // surrogate pair: after U+FFFF in UTF-8 byte order
        new BsonDocument(),
        new BsonDocument("a", 1),
        new BsonDocument("a", 2),
        new BsonDocument("b", 1),
        new BsonDocument { { "b", 1 }, { "c", 1 } },
        new BsonDocument("a", "x"), // the element's type bracket decides before its name
        new BsonArray(),
        new BsonArray { 1 },
        new BsonArray { 1, 2 },
        new BsonArray { 2 },
        new BsonBinary(new byte[] { 9 }, BsonBinarySubType.UserDefined),
        new BsonBinary(new byte[] { 1, 2 }),
        new BsonBinary(new byte[] { 1, 3 }),
        new BsonBinary(new byte[] { 0, 0 }, BsonBinarySubType.Function),
        ObjectId.Empty,
        Oid,
        false,
        true,
        new BsonDateTime(-1),
        new BsonDateTime(0),
        new BsonTimestamp(1, 2),
        new BsonTimestamp(2, 1),
        new BsonTimestamp(0x80000000u, 0),
        new BsonRegularExpression("a", "i"),
        new BsonRegularExpression("a", "m"),
        new BsonRegularExpression("b", ""),
        new BsonDBPointer("db.c", Oid),
        new BsonJavaScript("x"),
        new BsonJavaScriptWithScope("x", new BsonDocument()),
        BsonMaxKey.Value,
    ];

    [Fact]
    public void Ordering_table_is_strictly_ascending_for_every_pair()
    {
        var values = Ascending();
        for (int i = 0; i < values.Length; i++)
        {
            for (int j = 0; j < values.Length; j++)
            {
                int expected = i.CompareTo(j);
                int actual = BsonComparer.Instance.Compare(values[i], values[j]);
                Assert.True(expected == actual, $"compare({values[i]}, {values[j]}) = {actual}, expected {expected}");
            }
        }
    }

    [Fact]
    public void Numbers_of_equal_value_are_equal_and_hash_alike()
    {
        BsonValue[] ones = [1, 1L, 1.0, new Decimal128(0x3040000000000000UL, 1UL), new Decimal128(0x303E000000000000UL, 10UL)];
        foreach (var a in ones)
        {
            foreach (var b in ones)
            {
                Assert.Equal(0, a.CompareTo(b));
                Assert.True(a.Equals(b));
                Assert.Equal(a.GetHashCode(), b.GetHashCode());
            }
        }
    }

    [Fact]
    public void Decimal_half_sits_between_zero_and_one_and_equals_double_half()
    {
        BsonValue half = new Decimal128(0x303E000000000000UL, 5UL); // 5E-1
        Assert.True(half > (BsonValue)0);
        Assert.True(half < (BsonValue)1L);
        Assert.True(half.Equals((BsonValue)0.5));
        Assert.Equal(half.GetHashCode(), ((BsonValue)0.5).GetHashCode());
        BsonValue tenth = new Decimal128(0x303E000000000000UL, 1UL); // 0.1 exactly, not the double 0.1
        Assert.NotEqual(0, tenth.CompareTo(0.1));
        Assert.True(tenth > (BsonValue)0.09999999999999999);
    }

    [Fact]
    public void Decimal_NaN_equals_double_NaN_and_sorts_below_numbers()
    {
        BsonValue nan = new Decimal128(0x7C00000000000000UL, 0UL);
        Assert.Equal(0, nan.CompareTo(double.NaN));
        Assert.True(nan < (BsonValue)double.NegativeInfinity);
        Assert.True(nan > BsonNull.Value);
    }

    [Fact]
    public void Long_vs_double_is_exact_at_the_edge()
    {
        Assert.True((BsonValue)long.MaxValue < (BsonValue)9.2233720368547758E18);
        Assert.True((BsonValue)(long.MaxValue - 1) < (BsonValue)9.2233720368547758E18);
        Assert.Equal(0, ((BsonValue)long.MinValue).CompareTo(-9.2233720368547758E18));
        Assert.True((BsonValue)9007199254740993L > (BsonValue)9007199254740992.0);
        Assert.NotEqual((BsonValue)9007199254740993L, (BsonValue)9007199254740992.0);
    }

    [Fact]
    public void Negative_zero_equals_zero_and_NaN_equals_NaN()
    {
        Assert.Equal((BsonValue)0, (BsonValue)(-0.0));
        Assert.Equal(((BsonValue)0).GetHashCode(), ((BsonValue)(-0.0)).GetHashCode());
        Assert.Equal((BsonValue)double.NaN, (BsonValue)double.NaN);
    }

    [Fact]
    public void Null_and_undefined_share_a_bracket_and_compare_equal()
    {
        Assert.Equal(0, BsonNull.Value.CompareTo(BsonUndefined.Value));
        Assert.Equal(BsonNull.Value.GetHashCode(), BsonUndefined.Value.GetHashCode());
        Assert.True(BsonUndefined.Value < (BsonValue)double.NaN);
    }

    [Fact]
    public void Symbol_and_string_with_same_text_are_equal()
    {
        Assert.Equal(0, new BsonSymbol("abc").CompareTo("abc"));
        Assert.Equal(new BsonSymbol("abc").GetHashCode(), ((BsonValue)"abc").GetHashCode());
        Assert.True(new BsonSymbol("abd") > (BsonValue)"abc");
    }

    [Fact]
    public void Documents_compare_type_bracket_before_field_name()
    {
        // {b: 1} < {a: "x"} because numbers precede strings, regardless of the names.
        Assert.True(new BsonDocument("b", 1) < new BsonDocument("a", "x"));
    }

    [Fact]
    public void Equal_documents_hash_alike_across_numeric_types()
    {
        var a = new BsonDocument { { "x", 1 }, { "y", new BsonArray { 2L, "s" } } };
        var b = new BsonDocument { { "x", 1.0 }, { "y", new BsonArray { 2, "s" } } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, new BsonDocument { { "y", new BsonArray { 2, "s" } }, { "x", 1 } });
    }
}
