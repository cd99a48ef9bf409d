using FsCheck;
using FsCheck.Fluent;
using Outpost.Bson.Keys;

namespace Outpost.Bson.Tests.Keys;

public sealed class BsonKeyEncoderTests
{
    private static readonly Config Many = Config.QuickThrowOnFailure.WithMaxTest(20_000).WithQuietOnSuccess(true);

    [Fact]
    public void Byte_order_equals_comparer_order_for_random_values()
    {
        var pairs = BsonValueGenerators.Value.Zip(BsonValueGenerators.Value).ToArbitrary();
        Check.One(Many, Prop.ForAll(pairs, p => AssertSameOrder(p.Item1, p.Item2)));
    }

    [Fact]
    public void Byte_order_equals_comparer_order_across_numeric_types()
    {
        var pairs = BsonValueGenerators.Number.Zip(BsonValueGenerators.Number).ToArbitrary();
        Check.One(Many, Prop.ForAll(pairs, p => AssertSameOrder(p.Item1, p.Item2)));
    }

    [Fact]
    public void Descending_encoding_reverses_the_order()
    {
        var pairs = BsonValueGenerators.Value.Zip(BsonValueGenerators.Value).ToArbitrary();
        Check.One(Many, Prop.ForAll(pairs, p =>
        {
            int expected = Math.Sign(BsonComparer.Instance.Compare(p.Item1, p.Item2));
            int actual = Math.Sign(BsonKeyEncoder.Encode(p.Item1, true).AsSpan().SequenceCompareTo(BsonKeyEncoder.Encode(p.Item2, true)));
            Assert.True(actual == -expected, $"{p.Item1} vs {p.Item2}: expected {-expected}, bytes {actual}");
        }));
    }

    [Fact]
    public void Compound_keys_with_mixed_directions_sort_field_by_field()
    {
        var key = Gen.ArrayOf(BsonValueGenerators.Value, 3);
        var input = key.Zip(key).Zip(Gen.ArrayOf(Gen.Elements(true, false), 3)).ToArbitrary();
        Check.One(Many, Prop.ForAll(input, t =>
        {
            var ((a, b), directions) = t;
            int expected = 0;
            for (int i = 0; i < 3 && expected == 0; i++)
            {
                int c = Math.Sign(BsonComparer.Instance.Compare(a[i], b[i]));
                expected = directions[i] ? -c : c;
            }

            int actual = Math.Sign(BsonKeyEncoder.EncodeCompound(a, directions).AsSpan().SequenceCompareTo(BsonKeyEncoder.EncodeCompound(b, directions)));
            Assert.Equal(expected, actual);
        }));
    }

    [Fact]
    public void Encoded_length_and_id_suffix_are_recovered()
    {
        var input = Gen.ArrayOf(BsonValueGenerators.Value, 2).Zip(Gen.ArrayOf(Gen.Elements(true, false), 2)).Zip(BsonValueGenerators.Value).ToArbitrary();
        Check.One(Many, Prop.ForAll(input, t =>
        {
            var ((values, directions), id) = t;
            byte[] key = BsonKeyEncoder.EncodeCompound(values, directions);
            byte[] entry = BsonKeyEncoder.EncodeIndexEntry(values, directions, id);
            Assert.Equal(key.Length, BsonKeyEncoder.GetCompoundLength(entry, directions));
            Assert.Equal(BsonKeyEncoder.Encode(id), BsonKeyEncoder.GetIdSuffix(entry, directions).ToArray());
            Assert.Equal(BsonKeyEncoder.Encode(values[0], directions[0]).Length, BsonKeyEncoder.GetEncodedLength(key, directions[0]));
        }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    [InlineData(-7)]
    [InlineData(int.MaxValue)]
    public void Equal_numbers_of_every_type_encode_identically(int value)
    {
        byte[] expected = BsonKeyEncoder.Encode(value);
        Assert.Equal(expected, BsonKeyEncoder.Encode((long)value));
        Assert.Equal(expected, BsonKeyEncoder.Encode((double)value));
        Assert.Equal(expected, BsonKeyEncoder.Encode((Decimal128)value));
        Assert.Equal(expected, BsonKeyEncoder.Encode(Decimal128.Parse(value + ".000")));
    }

    [Fact]
    public void Negative_zero_and_nan_collapse_across_types()
    {
        Assert.Equal(BsonKeyEncoder.Encode(0), BsonKeyEncoder.Encode(-0.0));
        Assert.Equal(BsonKeyEncoder.Encode(0), BsonKeyEncoder.Encode(Decimal128.Parse("-0E+12")));
        Assert.Equal(BsonKeyEncoder.Encode(double.NaN), BsonKeyEncoder.Encode(Decimal128.NaN));
        Assert.Equal(BsonKeyEncoder.Encode(0.5), BsonKeyEncoder.Encode(Decimal128.Parse("0.50")));
    }

    [Fact]
    public void Large_integers_keep_exact_order_past_double_precision()
    {
        // 2^53 + 1 is not a double: the long must sort strictly between the doubles 2^53 and 2^53 + 2.
        byte[] below = BsonKeyEncoder.Encode(9007199254740992.0);
        byte[] middle = BsonKeyEncoder.Encode(9007199254740993L);
        byte[] above = BsonKeyEncoder.Encode(9007199254740994.0);
        Assert.True(below.AsSpan().SequenceCompareTo(middle) < 0);
        Assert.True(middle.AsSpan().SequenceCompareTo(above) < 0);
        Assert.True(BsonKeyEncoder.Encode(long.MaxValue).AsSpan().SequenceCompareTo(BsonKeyEncoder.Encode(9.2233720368547758E18)) < 0);
    }

    [Fact]
    public void Bracket_bounds_enclose_every_key_of_the_bracket()
    {
        BsonValue[] numbers = [double.NaN, double.NegativeInfinity, -5, 0, 5L, 1.5, double.PositiveInfinity, Decimal128.MaxValue];
        foreach (bool descending in new[] { false, true })
        {
            byte[] start = BsonKeyEncoder.GetBracketStart(BsonType.Int32, descending);
            byte[] end = BsonKeyEncoder.GetBracketEnd(BsonType.Double, descending);
            foreach (var number in numbers)
            {
                byte[] key = BsonKeyEncoder.Encode(number, descending);
                Assert.True(start.AsSpan().SequenceCompareTo(key) <= 0, $"{number} below start");
                Assert.True(key.AsSpan().SequenceCompareTo(end) < 0, $"{number} not below end");
            }

            Assert.True(BsonKeyEncoder.Encode("", descending).AsSpan().SequenceCompareTo(start) is var c && (descending ? c < 0 : c > 0));
            Assert.True(BsonKeyEncoder.Encode(BsonNull.Value, descending).AsSpan().SequenceCompareTo(start) is var d && (descending ? d >= 0 : d < 0));
        }

        Assert.Equal(BsonKeyEncoder.Encode(BsonMinKey.Value), BsonKeyEncoder.MinKey());
        Assert.Equal(BsonKeyEncoder.Encode(BsonMaxKey.Value, true), BsonKeyEncoder.MaxKey(true));
    }

    [Fact]
    public void Prefix_end_is_above_every_key_with_that_prefix()
    {
        byte[] prefix = BsonKeyEncoder.Encode("a");
        byte[] end = BsonKeyEncoder.PrefixEnd(prefix);
        foreach (var (value, descending) in new (BsonValue, bool)[] { (BsonMaxKey.Value, false), (BsonMinKey.Value, true), ("zzz", false) })
        {
            byte[] key = BsonKeyEncoder.EncodeCompound(["a", value], [false, descending]);
            Assert.True(key.AsSpan().SequenceCompareTo(end) < 0);
        }
    }

    private static void AssertSameOrder(BsonValue a, BsonValue b)
    {
        int expected = Math.Sign(BsonComparer.Instance.Compare(a, b));
        byte[] ka = BsonKeyEncoder.Encode(a);
        byte[] kb = BsonKeyEncoder.Encode(b);
        int actual = Math.Sign(ka.AsSpan().SequenceCompareTo(kb));
        Assert.True(expected == actual, $"{a} ({a.Type}) vs {b} ({b.Type}): comparer {expected}, bytes {actual} [{Convert.ToHexString(ka)} / {Convert.ToHexString(kb)}]");
    }
}
