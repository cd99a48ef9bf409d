using FsCheck;
using FsCheck.Fluent;
using Outpost.Bson.Json;

namespace Outpost.Bson.Tests.Json;

public sealed class BsonJsonTests
{
    [Fact]
    public void Shell_syntax_with_unquoted_keys_and_single_quotes_parses()
    {
        var doc = BsonDocument.Parse("{ a: 1, b: 'x', 'c d': [true, null, 2.5], $e: { f: NumberLong(5) }, id: ObjectId('56e1fc72e0c917e9c4714161'), }");
        Assert.Equal(1, doc["a"].AsInt32);
        Assert.Equal("x", doc["b"].AsString);
        Assert.Equal(2.5, doc["c d"].AsArray[2].AsDouble);
        Assert.Equal(5L, doc["$e"].AsDocument["f"].AsInt64);
        Assert.Equal(ObjectId.Parse("56e1fc72e0c917e9c4714161"), doc["id"].AsObjectId);
    }

    [Fact]
    public void Shell_regex_literals_keep_escapes_and_sort_their_flags()
    {
        var doc = BsonDocument.Parse(@"{ a: /^a\/b[/x]c$/mi, b: { $in: [/x/, 'y'] } }");
        var regex = (BsonRegularExpression)doc["a"];
        Assert.Equal(@"^a\/b[/x]c$", regex.Pattern);
        Assert.Equal("im", regex.Options);
        Assert.Equal("x", ((BsonRegularExpression)doc["b"].AsDocument["$in"].AsArray[0]).Pattern);
        Assert.Throws<BsonJsonException>(() => BsonDocument.Parse("{ a: /x/q }"));
        Assert.Throws<BsonJsonException>(() => BsonDocument.Parse("{ a: /unterminated }"));
    }

    [Fact]
    public void Shell_timestamp_helper_takes_seconds_and_increment()
    {
        var ts = (BsonTimestamp)BsonDocument.Parse("{ t: Timestamp(1700000000, 3) }")["t"];
        Assert.Equal(1700000000u, ts.Seconds);
        Assert.Equal(3u, ts.Increment);
        Assert.Throws<BsonJsonException>(() => BsonDocument.Parse("{ t: Timestamp(1) }"));
        Assert.Throws<BsonJsonException>(() => BsonDocument.Parse("{ t: Timestamp('a', 1) }"));
    }

    [Fact]
    public void Relaxed_numbers_take_the_smallest_integer_type()
    {
        var doc = BsonDocument.Parse("""{"i": 1, "l": 3000000000, "d": 1.0, "big": 1e400, "neg": -5}""");
        Assert.Equal(BsonType.Int32, doc["i"].Type);
        Assert.Equal(BsonType.Int64, doc["l"].Type);
        Assert.Equal(BsonType.Double, doc["d"].Type);
        Assert.True(double.IsPositiveInfinity(doc["big"].AsDouble));
        Assert.Equal(-5, doc["neg"].AsInt32);
    }

    [Fact]
    public void Legacy_forms_parse_by_default_and_fail_in_strict_mode()
    {
        var doc = BsonDocument.Parse("""{"r": {"$regex": "^a", "$options": "mi"}, "d": {"$date": 1356351330501}, "q": {"$regex": {"$regularExpression": {"pattern": "x", "options": ""}}}}""");
        Assert.Equal("im", doc["r"].AsRegularExpression.Options);
        Assert.Equal(1356351330501L, doc["d"].AsDateTime.MillisecondsSinceEpoch);
        Assert.Equal(BsonType.Document, doc["q"].Type); // the $regex query operator stays a document
        Assert.Throws<BsonJsonException>(() => BsonJson.Parse("""{"d": {"$date": 42}}""", BsonJsonReaderOptions.Strict));
    }

    [Theory]
    [InlineData("{\"a\": 1", 7)]
    [InlineData("{\"a\" 1}", 5)]
    [InlineData("{\"a\": [1, 2}", 11)]
    [InlineData("{\"a\": tru}", 6)]
    public void Malformed_text_throws_with_position(string json, int position)
    {
        var e = Assert.Throws<BsonJsonException>(() => BsonDocument.Parse(json));
        Assert.Equal(position, e.Position);
        Assert.Contains("position", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relaxed_output_is_readable()
    {
        var doc = new BsonDocument { { "n", 1 }, { "l", 2L }, { "d", 1.0 }, { "t", new BsonDateTime(0) }, { "s", "é" } };
        Assert.Equal("""{"n":1,"l":2,"d":1.0,"t":{"$date":"1970-01-01T00:00:00Z"},"s":"é"}""", doc.ToJson());
        Assert.Equal("""{"n":{"$numberInt":"1"},"l":{"$numberLong":"2"},"d":{"$numberDouble":"1.0"},"t":{"$date":{"$numberLong":"0"}},"s":"é"}""",
            doc.ToJson(JsonOutputMode.CanonicalExtendedJson));
    }

    [Fact]
    public void Canonical_json_round_trips_every_generated_value_exactly()
    {
        var arb = BsonValueGenerators.Value.ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(3000).WithQuietOnSuccess(true), Prop.ForAll(arb, value =>
        {
            var doc = new BsonDocument("v", value);
            string json = doc.ToJson(JsonOutputMode.CanonicalExtendedJson);
            var back = BsonJson.Parse(json, BsonJsonReaderOptions.Strict);
            // Text equality is exact for every type; bytes can differ only for NaN payloads (lossy by spec).
            Assert.Equal(json, back.ToJson(JsonOutputMode.CanonicalExtendedJson));
            Assert.Equal(0, BsonComparer.Instance.Compare(doc, back));
        }));
    }
}
