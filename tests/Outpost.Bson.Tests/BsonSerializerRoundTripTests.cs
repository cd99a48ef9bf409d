using System.Buffers;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

public class BsonSerializerRoundTripTests
{
    [Fact]
    public void Every_type_round_trips_bytes_and_values()
    {
        var original = TestData.AllTypes();
        byte[] bytes = BsonSerializer.Serialize(original);
        var decoded = BsonSerializer.Deserialize(bytes);

        Assert.Equal(original.ElementCount, decoded.ElementCount);
        for (int i = 0; i < original.ElementCount; i++)
        {
            var expected = original.GetElement(i);
            var actual = decoded.GetElement(i);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Value.Type, actual.Value.Type);
        }

        Assert.Equal(bytes, BsonSerializer.Serialize(decoded));
        Assert.Equal(bytes.Length, BsonSerializer.GetSerializedSize(original));
    }

    [Fact]
    public void Values_of_each_type_survive()
    {
        var d = BsonSerializer.Deserialize(BsonSerializer.Serialize(TestData.AllTypes()));
        Assert.Equal(1.5, d["double"].AsDouble);
        Assert.Equal("héllo\0world", d["string"].AsString);
        Assert.Equal(new byte[] { 1, 2, 3 }, d["binary"].AsBinary.Data.ToArray());
        Assert.Equal(new byte[] { 0xFF, 0xFF }, d["oldBinary"].AsBinary.Data.ToArray());
        Assert.Equal(BsonBinarySubType.OldBinary, d["oldBinary"].AsBinary.SubType);
        Assert.Equal((BsonBinarySubType)0x85, d["userBinary"].AsBinary.SubType);
        Assert.Equal(Guid.Parse("73ffd264-44b3-4c69-90e8-e7d1dfc035d4"), d["uuid"].AsBinary.ToGuid());
        Assert.Equal(BsonType.Undefined, d["undefined"].Type);
        Assert.Equal("56e1fc72e0c917e9c4714161", d["oid"].AsObjectId.ToString());
        Assert.True(d["true"].AsBoolean);
        Assert.False(d["false"].AsBoolean);
        Assert.Equal(1356351330501L, d["date"].AsDateTime.MillisecondsSinceEpoch);
        Assert.True(d["null"].IsNull);
        Assert.Equal("ab+c", d["regex"].AsRegularExpression.Pattern);
        Assert.Equal("im", d["regex"].AsRegularExpression.Options);
        Assert.Equal("db.coll", d["dbpointer"].AsDBPointer.Namespace);
        Assert.Equal("function() {}", d["code"].AsJavaScript.Code);
        Assert.Equal("sym", d["symbol"].AsSymbol.Name);
        Assert.Equal(1, d["codeWithScope"].AsJavaScriptWithScope.Scope["x"].AsInt32);
        Assert.Equal(-123, d["int32"].AsInt32);
        Assert.Equal(123456789u, d["timestamp"].AsTimestamp.Seconds);
        Assert.Equal(42u, d["timestamp"].AsTimestamp.Increment);
        Assert.Equal(long.MinValue, d["int64"].AsInt64);
        Assert.Equal(new Decimal128(0x3040000000000000UL, 1UL), d["decimal"].AsDecimal128);
        Assert.Equal(BsonType.MinKey, d["minKey"].Type);
        Assert.Equal(BsonType.MaxKey, d["maxKey"].Type);
    }

    [Theory]
    // Canonical bytes from the BSON corpus.
    [InlineData("10000000016400000000000000F03F00")] // double 1.0
    [InlineData("0C0000001069000100000000")] // int32 1
    public void Corpus_samples_round_trip_exactly(string hex)
    {
        byte[] bytes = TestData.Hex(hex);
        Assert.Equal(bytes, BsonSerializer.Serialize(BsonSerializer.Deserialize(bytes)));
    }

    [Theory]
    [InlineData("0D000000037800050000000000")] // document.json: empty subdoc
    [InlineData("0F0000000578000200000000FFFF00")] // binary.json: subtype 0
    [InlineData("0D0000000B6100616263000000")] // regex.json: no options
    [InlineData("100000001161002A00000015CD5B0700")] // timestamp.json
    [InlineData("180000001364001200000000000000000000000000007E00")] // decimal128-1.json: NaN with payload (bits kept)
    [InlineData("1D0000000F61001500000001000000000C000000107800010000000000")] // code_w_scope.json
    [InlineData("1A0000000C610002000000620056E1FC72E0C917E9C471416100")] // dbpointer.json
    [InlineData("080000007F610000")] // maxkey.json
    [InlineData("08000000FF610000")] // minkey.json
    public void Corpus_canonical_bytes_round_trip(string hex)
    {
        byte[] bytes = TestData.Hex(hex);
        var decoded = BsonSerializer.Deserialize(bytes);
        Assert.Equal(bytes, BsonSerializer.Serialize(decoded));
    }

    [Fact]
    public void Array_keys_are_accepted_as_written_and_rewritten_as_indexes()
    {
        // {"a": ["x" under key "5"]}: decoders accept any key; writers emit "0".
        byte[] bytes = TestData.Hex("16000000046100" + "0E000000" + "0235000200000078000000");
        var decoded = BsonSerializer.Deserialize(bytes);
        Assert.Equal("x", decoded["a"].AsArray[0].AsString);
        byte[] rewritten = BsonSerializer.Serialize(decoded);
        Assert.Equal(TestData.Hex("16000000046100" + "0E000000" + "0230000200000078000000"), rewritten);
    }

    [Fact]
    public void Serialized_size_matches_for_long_arrays_and_multibyte_names()
    {
        var array = new BsonArray();
        for (int i = 0; i < 123_456; i += 7)
        {
            array.Add(i);
        }

        var doc = new BsonDocument { { "ünïcödé", array }, { "s", "€uro" } };
        Assert.Equal(BsonSerializer.Serialize(doc).Length, BsonSerializer.GetSerializedSize(doc));
        Assert.Equal(array.Count, BsonSerializer.Deserialize(BsonSerializer.Serialize(doc))["ünïcödé"].AsArray.Count);
    }

    [Fact]
    public void Duplicate_names_are_kept_on_decode()
    {
        var doc = new BsonDocument { { "a", 1 }, { "a", 2 } };
        var decoded = BsonSerializer.Deserialize(BsonSerializer.Serialize(doc));
        Assert.Equal(2, decoded.ElementCount);
        Assert.Equal(1, decoded["a"].AsInt32);
        Assert.Equal(2, decoded.GetElement(1).Value.AsInt32);
    }

    [Fact]
    public void Sequence_and_buffer_writer_overloads_agree_with_span_overloads()
    {
        var doc = TestData.AllTypes();
        byte[] bytes = BsonSerializer.Serialize(doc);
        var output = new ArrayBufferWriter<byte>();
        BsonSerializer.Serialize(doc, output);
        Assert.Equal(bytes, output.WrittenSpan.ToArray());

        var first = new Segment(bytes.AsMemory(0, 7));
        var last = first.Append(bytes.AsMemory(7));
        var sequence = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.False(sequence.IsSingleSegment);
        Assert.Equal(bytes, BsonSerializer.Serialize(BsonSerializer.Deserialize(sequence)));
    }

    [Fact]
    public void Serializing_a_name_with_NUL_throws_format_exception()
    {
        var doc = new BsonDocument("a\0b", 1);
        Assert.Throws<BsonFormatException>(() => BsonSerializer.Serialize(doc));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
