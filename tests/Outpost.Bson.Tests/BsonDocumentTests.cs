namespace Outpost.Bson.Tests;

public class BsonDocumentTests
{
    [Fact]
    public void Indexer_Set_and_TryGetValue_act_on_first_occurrence()
    {
        var doc = new BsonDocument { { "a", 1 }, { "b", "x" }, { "a", 2 } };
        Assert.Equal(1, doc["a"].AsInt32);
        doc["a"] = 10;
        Assert.Equal(10, doc.GetElement(0).Value.AsInt32);
        Assert.Equal(2, doc.GetElement(2).Value.AsInt32);
        doc["c"] = true;
        Assert.Equal(4, doc.ElementCount);
        Assert.Equal(["a", "b", "a", "c"], doc.Names.ToArray());
        Assert.Throws<KeyNotFoundException>(() => doc["zz"]);
    }

    [Fact]
    public void Large_documents_keep_lookups_correct_through_mutation()
    {
        var doc = new BsonDocument();
        for (int i = 0; i < 50; i++)
        {
            doc.Add("f" + i, i);
        }

        Assert.Equal(30, doc["f30"].AsInt32);
        Assert.True(doc.Remove("f10"));
        Assert.False(doc.Contains("f10"));
        Assert.Equal(30, doc["f30"].AsInt32);
        doc.InsertAt(0, new BsonElement("first", "x"));
        Assert.Equal(0, doc.IndexOf("first"));
        Assert.Equal(30, doc["f30"].AsInt32);
        doc.Add("late", 1);
        Assert.Equal(doc.ElementCount - 1, doc.IndexOf("late"));
    }

    [Fact]
    public void DeepClone_copies_nested_containers()
    {
        var doc = new BsonDocument { { "a", new BsonDocument("b", new BsonArray { 1 }) } };
        var clone = doc.DeepClone();
        clone["a"].AsDocument["b"].AsArray.Add(2);
        Assert.Single(doc["a"].AsDocument["b"].AsArray);
        Assert.Equal(2, clone["a"].AsDocument["b"].AsArray.Count);
    }

    [Fact]
    public void Wrong_type_accessor_throws_InvalidCast_with_clear_message()
    {
        BsonValue v = "text";
        var ex = Assert.Throws<InvalidCastException>(() => v.AsInt32);
        Assert.Contains("String", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Int32", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numeric_conversions()
    {
        Assert.Equal(3.0, ((BsonValue)3).ToDouble());
        Assert.Equal(3L, ((BsonValue)3.9).ToInt64());
        Assert.Equal(long.MaxValue, ((BsonValue)1e300).ToInt64());
        Assert.Equal(0.5, ((BsonValue)new Decimal128(0x303E000000000000UL, 5UL)).ToDouble());
        Assert.Equal(12L, ((BsonValue)new Decimal128(0x303E000000000000UL, 125UL)).ToInt64());
        Assert.True(((BsonValue)1.5).IsNumeric);
        Assert.False(((BsonValue)"1").IsNumeric);
        Assert.Throws<InvalidCastException>(() => ((BsonValue)"1").ToDouble());
    }

    [Fact]
    public void Guid_converts_to_standard_uuid_in_network_order()
    {
        var guid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        BsonValue v = guid;
        Assert.Equal(BsonBinarySubType.UuidStandard, v.AsBinary.SubType);
        Assert.Equal(Convert.FromHexString("00112233445566778899aabbccddeeff"), v.AsBinary.Data.ToArray());
        Assert.Equal(guid, v.AsBinary.ToGuid());
    }

    [Fact]
    public void DateTime_converts_to_milliseconds_since_epoch()
    {
        BsonValue v = new DateTime(2020, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);
        Assert.Equal(1577934245678L, v.AsDateTime.MillisecondsSinceEpoch);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 3, 4, 5, 678, TimeSpan.Zero), v.AsDateTime.ToDateTimeOffset());
        Assert.False(new BsonDateTime(long.MaxValue).IsInDateTimeRange);
    }

    [Fact]
    public void ToString_is_readable()
    {
        var doc = new BsonDocument { { "a", 1 }, { "b", "x\"y" }, { "c", new BsonArray { true, BsonNull.Value } } };
        Assert.Equal("{ \"a\": 1, \"b\": \"x\\\"y\", \"c\": [true, null] }", doc.ToString());
    }
}
