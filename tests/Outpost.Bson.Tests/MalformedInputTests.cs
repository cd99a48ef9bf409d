using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>One test per kind of malformation: each must be a BsonFormatException naming a byte offset.</summary>
public class MalformedInputTests
{
    private static BsonFormatException Rejects(string hex, BsonReaderOptions? options = null)
    {
        byte[] bytes = TestData.Hex(hex);
        var ex = Assert.Throws<BsonFormatException>(() => BsonSerializer.Deserialize(bytes, options));
        Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
        return ex;
    }

    [Fact] public void Empty_input() => Rejects("");
    [Fact] public void Too_short_for_a_document() => Rejects("05000000");
    [Fact] public void Length_prefix_longer_than_input() => Rejects("0600000000");
    [Fact] public void Length_prefix_shorter_than_input() => Rejects("050000000000");
    [Fact] public void Negative_length_prefix() => Rejects("FBFFFFFF00");
    [Fact] public void Missing_document_terminator() => Rejects("0C0000001069000100000001");
    [Fact] public void Truncated_int32_value() => Rejects("0A000000" + "106900" + "010000");
    [Fact] public void Trailing_bytes_inside_document_after_elements() => Rejects("0D000000106900010000000000");
    [Fact] public void Unknown_type_byte() => Rejects("0C0000002069000100000000");
    [Fact] public void Bad_boolean_byte() => Rejects("090000000862000200");
    [Fact] public void String_length_zero() => Rejects("0D000000" + "026100" + "00000000" + "00" + "00");
    [Fact] public void String_length_negative() => Rejects("0D000000" + "026100" + "FFFFFFFF" + "00" + "00");
    [Fact] public void String_length_past_end() => Rejects("0E00000002610009000000780000");
    [Fact] public void String_not_ending_in_NUL() => Rejects("0E00000002610002000000787800");
    [Fact] public void String_invalid_utf8() => Rejects("0E000000" + "026100" + "02000000" + "FF00" + "00");
    [Fact] public void Name_invalid_utf8() => Rejects("0C00000010FF000100000000");
    [Fact] public void Name_missing_NUL_terminator() => Rejects("0800000010616200");
    [Fact] public void Regex_missing_option_terminator() => Rejects("0B000000" + "0B6100" + "6100" + "62" + "00");
    [Fact] public void Nested_document_length_lies() => Rejects("0D000000037800060000000000");
    [Fact] public void Binary_negative_length() => Rejects("0D000000057800FFFFFFFF0000");
    [Fact] public void Binary_length_past_end() => Rejects("0F0000000578000300000000FFFF00");
    [Fact] public void Old_binary_inner_length_mismatch() => Rejects("13000000057800060000000203000000FFFF00");
    [Fact] public void Code_with_scope_length_too_short() => Rejects("1D0000000F61000D00000001000000000C000000107800010000000000");
    [Fact] public void Truncated_decimal128() => Rejects("0F0000001364000000000000000000");

    [Fact]
    public void Nesting_deeper_than_max_depth()
    {
        var doc = new BsonDocument();
        var current = doc;
        for (int i = 0; i < 5; i++)
        {
            var child = new BsonDocument();
            current.Add("a", child);
            current = child;
        }

        byte[] bytes = BsonSerializer.Serialize(doc); // 6 levels
        Assert.NotNull(BsonSerializer.Deserialize(bytes, new BsonReaderOptions { MaxDepth = 6 }));
        Assert.Throws<BsonFormatException>(() => BsonSerializer.Deserialize(bytes, new BsonReaderOptions { MaxDepth = 5 }));
    }

    [Fact]
    public void Default_max_depth_is_100()
    {
        var doc = new BsonDocument();
        var current = doc;
        for (int i = 0; i < 100; i++)
        {
            var child = new BsonDocument();
            current.Add("a", child);
            current = child;
        }

        byte[] bytes = BsonSerializer.Serialize(doc); // 101 levels
        Assert.Throws<BsonFormatException>(() => BsonSerializer.Deserialize(bytes));
    }

    [Fact]
    public void Document_larger_than_max_size()
    {
        byte[] bytes = BsonSerializer.Serialize(new BsonDocument("s", new string('x', 100)));
        Assert.NotNull(BsonSerializer.Deserialize(bytes, new BsonReaderOptions { MaxDocumentSize = bytes.Length }));
        Assert.Throws<BsonFormatException>(() => BsonSerializer.Deserialize(bytes, new BsonReaderOptions { MaxDocumentSize = bytes.Length - 1 }));
    }

    [Fact]
    public void Huge_declared_length_is_rejected_before_allocating()
    {
        // 2 GiB-ish declared binary length on a tiny input: must be rejected by comparison, not by an OutOfMemory.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Rejects("12000000" + "057800" + "0000FF7F" + "00" + "0102030405" + "00");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }
}
