using Outpost.Bson.Keys;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>
/// Decoded nested documents/arrays are built on first use and decoded strings keep their UTF-8 bytes; these check that
/// neither is observable: values, order, equality, hashing, key encoding and mutation behave as for eager values.
/// </summary>
public class LazyDecodeTests
{
    private static BsonDocument Sample() => new()
    {
        { "s", "héllo \U0001F600" },
        { "a", new BsonArray { 1, "two", new BsonDocument("x", new BsonArray { 3.5, "deep" }), new BsonArray() } },
        { "d", new BsonDocument { { "k", "v" }, { "n", new BsonDocument("m", "end") } } },
        { "e", new BsonDocument() },
    };

    [Fact]
    public void Nested_containers_are_lazy_until_read_and_then_equal_the_original()
    {
        var original = Sample();
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(original));

        var nested = decoded["d"].AsDocument;
        var array = decoded["a"].AsArray;
        Assert.True(nested.IsLazy);
        Assert.True(array.IsLazy);

        Assert.Equal(2, nested.ElementCount);
        Assert.False(nested.IsLazy);
        Assert.Equal("end", nested["n"].AsDocument["m"].AsString);
        Assert.Equal(4, array.Count);
        Assert.Equal("deep", array[2].AsDocument["x"].AsArray[1].AsString);
        Assert.Equal(0, decoded["e"].AsDocument.ElementCount);
        Assert.Equal(original, decoded);
        Assert.Equal(original.ToJson(), decoded.ToJson());
        Assert.Equal(BsonSerializer.Serialize(original), BsonSerializer.Serialize(decoded));
    }

    [Fact]
    public void Eager_decoding_builds_everything_and_gives_the_same_document()
    {
        var original = Sample();
        byte[] bytes = BsonSerializer.Serialize(original);
        var eager = BsonSerializer.Deserialize(bytes, BsonReaderOptions.Eager);

        Assert.False(eager["d"].AsDocument.IsLazy);
        Assert.False(eager["a"].AsArray.IsLazy);
        Assert.Equal(BsonSerializer.Deserialize(bytes), eager);
        Assert.Equal(bytes, BsonSerializer.Serialize(eager));
    }

    [Fact]
    public void A_lazy_document_serializes_and_clones_without_being_read()
    {
        var original = Sample();
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(original));
        var clone = decoded["d"].AsDocument.DeepClone();

        Assert.Equal(BsonSerializer.Serialize(original), BsonSerializer.Serialize(decoded));
        clone.Add("added", 1);
        Assert.Equal(2, decoded["d"].AsDocument.ElementCount);
        Assert.Equal(3, clone.ElementCount);
    }

    [Fact]
    public void Non_canonical_nested_bytes_are_normalized_on_encode_not_copied()
    {
        // { d: { a: ["x", "y"] with keys "5","z", r: /p/mi } } — keys and regex options that decoding normalizes.
        byte[] array = Bson([0x02, .. "5\0"u8, 2, 0, 0, 0, .. "x\0"u8, 0x02, .. "z\0"u8, 2, 0, 0, 0, .. "y\0"u8]);
        byte[] nested = Bson([0x04, .. "a\0"u8, .. array, 0x0B, .. "r\0"u8, .. "p\0"u8, .. "mi\0"u8]);
        byte[] top = Bson([0x03, .. "d\0"u8, .. nested]);

        var decoded = BsonSerializer.Deserialize(top);
        byte[] encoded = BsonSerializer.Serialize(decoded);

        var expected = new BsonDocument("d", new BsonDocument { { "a", new BsonArray { "x", "y" } }, { "r", new BsonRegularExpression("p", "im") } });
        Assert.Equal(BsonSerializer.Serialize(expected), encoded);
        Assert.Equal(encoded.Length, BsonSerializer.GetSerializedSize(BsonSerializer.Deserialize(top)));
    }

    [Fact]
    public void Canonical_nested_bytes_are_copied_as_they_are_while_unbuilt()
    {
        byte[] bytes = BsonSerializer.Serialize(Sample());
        var decoded = BsonSerializer.Deserialize(bytes);
        Assert.True(decoded["d"].AsDocument.TryGetRaw(out _));
        Assert.Equal(bytes, BsonSerializer.Serialize(decoded));
        Assert.Equal(bytes.Length, BsonSerializer.GetSerializedSize(decoded));

        decoded["d"].AsDocument.Set("k", "changed");
        Assert.False(decoded["d"].AsDocument.TryGetRaw(out _));
        // The untouched grandchild of a canonical child is still copied as it is.
        Assert.True(decoded["d"].AsDocument["n"].AsDocument.TryGetRaw(out _));
        Assert.Equal("changed", BsonSerializer.Deserialize(BsonSerializer.Serialize(decoded))["d"].AsDocument["k"].AsString);
    }

    private static byte[] Bson(byte[] body)
    {
        byte[] bytes = [0, 0, 0, 0, .. body, 0];
        BitConverter.TryWriteBytes(bytes, bytes.Length);
        return bytes;
    }

    [Fact]
    public void Mutating_a_lazy_document_or_array_builds_it_first()
    {
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(Sample()));
        var nested = decoded["d"].AsDocument;
        nested.Add("z", 26);
        nested.Remove("k");
        var array = decoded["a"].AsArray;
        array.Insert(0, "first");
        array.RemoveAt(array.Count - 1);

        Assert.Equal(["n", "z"], nested.Names);
        Assert.Equal(["first", 1, "two"], array.Take(3).ToArray());
        Assert.Equal(4, array.Count);
        var again = BsonSerializer.Deserialize(BsonSerializer.Serialize(decoded));
        Assert.Equal(decoded, again);
    }

    [Fact]
    public void Concurrent_first_reads_of_a_lazy_document_agree()
    {
        for (int round = 0; round < 50; round++)
        {
            var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(Sample()));
            var nested = decoded["a"].AsArray;
            var seen = new string[8];
            Parallel.For(0, seen.Length, i => seen[i] = nested.ToString());
            Assert.All(seen, text => Assert.Equal(seen[0], text));
            Assert.Same(nested[2], nested[2]);
        }
    }

    [Theory]
    [InlineData("abc", "abd")]
    [InlineData("abc", "ab")]
    [InlineData("", "a")]
    [InlineData("same", "same")]
    [InlineData("a\0b", "a\0c")]
    [InlineData("\uFFFF", "\U0001F600")]
    [InlineData("é", "e")]
    [InlineData("z", "é")]
    [InlineData("\uE000", "\U00010000")]
    public void Decoded_strings_compare_hash_and_encode_like_constructed_ones(string left, string right)
    {
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(new BsonDocument { { "l", left }, { "r", right } }));
        BsonValue dl = decoded["l"], dr = decoded["r"];
        BsonValue cl = new BsonString(left), cr = new BsonString(right);
        int expected = Math.Sign(BsonComparer.CompareStrings(left, right));

        Assert.Equal(expected, Math.Sign(dl.CompareTo(dr)));
        Assert.Equal(expected, Math.Sign(BsonComparer.Instance.Compare(new BsonDocument("v", dl), new BsonDocument("v", dr))));
        Assert.Equal(expected, Math.Sign(dl.CompareTo(cr)));
        Assert.Equal(expected, Math.Sign(cl.CompareTo(dr)));
        Assert.Equal(0, dl.CompareTo(cl));
        Assert.Equal(cl.GetHashCode(), dl.GetHashCode());
        Assert.Equal(cr.GetHashCode(), dr.GetHashCode());
        Assert.Equal(BsonKeyEncoder.Encode(cl), BsonKeyEncoder.Encode(dl));
        Assert.Equal(left, dl.AsString);
        Assert.Same(dl.AsString, dl.AsString);
    }
}
