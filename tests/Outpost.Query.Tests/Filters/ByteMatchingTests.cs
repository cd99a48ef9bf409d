using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Query.Filters;
using Outpost.Query.Sorting;
using Outpost.Query.Tests.Support;

namespace Outpost.Query.Tests.Filters;

/// <summary>
/// The in-place matcher (BSON bytes through BsonDocumentView) must decide exactly like the matcher on a decoded
/// document, for every operator over values of every type, at top level, nested, and inside arrays.
/// </summary>
public class ByteMatchingTests
{
    private static BsonValue[] Values() =>
    [
        BsonMinKey.Value, BsonNull.Value, BsonUndefined.Value, double.NaN, double.NegativeInfinity, long.MinValue, -1.5, -1, -0.0, 0,
        0.5, 1, 1L, 1.0, new Decimal128(0x3040000000000000UL, 1UL), (BsonValue)(1L << 53), (double)(1L << 53), long.MaxValue,
        9.2233720368547758E18, "", "a", "ab", "B", "é", "\uFFFF", "\U0001F600", new BsonSymbol("a"),
        new BsonDocument("a", 1), new BsonArray { 1, "a" }, new BsonArray(), new BsonBinary([1, 2]), ObjectId.Parse("56e1fc72e0c917e9c4714161"),
        false, true, new BsonDateTime(0), new BsonDateTime(1), new BsonTimestamp(1, 2), new BsonRegularExpression("^a", "i"), BsonMaxKey.Value,
    ];

    private static readonly string[] Operators = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"];

    /// <summary>Stored shapes around one value: top level, nested, inside an array, inside an array of documents.</summary>
    private static IEnumerable<(string Path, BsonDocument Document)> Shapes(BsonValue v)
    {
        yield return ("a", new BsonDocument { { "_id", 1 }, { "a", v }, { "z", 2 } });
        yield return ("a.b", new BsonDocument { { "a", new BsonDocument { { "x", 0 }, { "b", v } } } });
        yield return ("a", new BsonDocument("a", new BsonArray { 7, v }));
        yield return ("a.b", new BsonDocument("a", new BsonArray { new BsonDocument("b", 0), new BsonDocument("b", v) }));
        yield return ("a.1", new BsonDocument("a", new BsonArray { "x", v }));
        yield return ("a.b", new BsonDocument("b", v)); // missing
    }

    [Fact]
    public void Comparisons_agree_with_the_decoded_matcher_for_every_type_pair()
    {
        var values = Values();
        foreach (var stored in values)
        {
            foreach (var (path, document) in Shapes(stored))
            {
                var bytes = BsonSerializer.Serialize(document);
                foreach (var query in values)
                {
                    if (query is BsonRegularExpression)
                    {
                        continue; // a regex operand means $regex, covered below
                    }

                    foreach (var op in Operators)
                    {
                        AssertSame(new BsonDocument(path, new BsonDocument(op, query)), document, bytes);
                    }
                }

                AssertSame(new BsonDocument(path, new BsonDocument("$in", new BsonArray(values.Take(20)))), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$in", new BsonArray { "a", new BsonRegularExpression("^é") })), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$nin", new BsonArray { BsonNull.Value, 1 })), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$in", new BsonArray(values.Where(v => v is not BsonRegularExpression)))), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$exists", true)), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$exists", false)), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$type", "number")), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$type", new BsonArray { "string", "array", 10 })), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$size", 2)), document, bytes);
                AssertSame(new BsonDocument(path, new BsonDocument("$regex", "^a")), document, bytes);
            }
        }
    }

    [Fact]
    public void Collated_string_comparisons_agree_on_bytes()
    {
        var context = new QueryContext { Collation = Collation.FromDocument(new BsonDocument { { "locale", "en" }, { "strength", 2 } }) };
        foreach (var stored in new BsonValue[] { "Apple", "apple", "Äpfel", "banana", 5 })
        {
            var document = new BsonDocument("a", stored);
            var bytes = BsonSerializer.Serialize(document);
            foreach (var op in Operators)
            {
                var filter = QueryFilter.Compile(new BsonDocument("a", new BsonDocument(op, "apple")), context);
                Assert.Equal(filter.Matches(document), filter.Matches(bytes));
            }

            var @in = QueryFilter.Compile(new BsonDocument("a", new BsonDocument("$in", new BsonArray { "APPLE", "x" })), context);
            Assert.Equal(@in.Matches(document), @in.Matches(bytes));
        }
    }

    [Fact]
    public void Conjunction_uses_the_first_of_duplicate_names_and_treats_absent_fields_as_missing()
    {
        var document = new BsonDocument { { "a", 1 }, { "b", "x" }, { "a", 2 } };
        var bytes = BsonSerializer.Serialize(document);
        Assert.True(QueryFilter.Compile(J.Doc("{ a: 1, b: 'x' }")).Matches(bytes));
        Assert.False(QueryFilter.Compile(J.Doc("{ a: 2, b: 'x' }")).Matches(bytes));
        Assert.True(QueryFilter.Compile(J.Doc("{ b: 'x', c: null, 'd.e': { $exists: false } }")).Matches(bytes));
        Assert.False(QueryFilter.Compile(J.Doc("{ b: 'x', c: { $exists: true } }")).Matches(bytes));
        Assert.True(QueryFilter.Compile(J.Doc("{ 'a': { $gt: 0 }, 'a': { $lt: 5 } }")).Matches(bytes));
    }

    [Fact]
    public void Positional_details_come_from_the_bytes_like_from_the_document()
    {
        var document = J.Doc("{ a: [1, 5, 9], b: [{ c: 1 }, { c: 7 }] }");
        var bytes = BsonSerializer.Serialize(document);
        foreach (var filter in new[] { "{ a: { $gt: 4 } }", "{ 'b.c': 7 }", "{ a: 9, 'b.c': 1 }", "{ $or: [{ a: 100 }, { 'b.c': { $gt: 2 } }] }" })
        {
            var compiled = QueryFilter.Compile(J.Doc(filter));
            var fromDocument = new MatchDetails();
            var fromBytes = new MatchDetails();
            Assert.True(compiled.Matches(document, fromDocument));
            Assert.True(compiled.Matches(bytes, fromBytes));
            Assert.Equal(fromDocument.ArrayIndex, fromBytes.ArrayIndex);
        }
    }

    [Fact]
    public void Malformed_bytes_are_rejected_with_the_codec_exception()
    {
        var bytes = BsonSerializer.Serialize(J.Doc("{ a: 'x', b: 2 }"));
        var filter = QueryFilter.Compile(J.Doc("{ b: 2 }"));
        var lying = (byte[])bytes.Clone();
        lying[0]++; // length prefix disagrees with the input
        Assert.Throws<BsonFormatException>(() => filter.Matches(lying));
        var truncatedString = (byte[])bytes.Clone();
        truncatedString[7] = 0x7F; // 'a''s string length runs past the document
        Assert.Throws<BsonFormatException>(() => filter.Matches(truncatedString));
    }

    [Fact]
    public void Matching_common_predicates_on_bytes_allocates_nothing()
    {
        var document = J.Doc("{ _id: 1, department: 'assembly', status: 'approved', qualityScore: 75.5, tags: ['a', 'tag3'], size: 1000, camera: { make: 'Canon', iso: 400 } }");
        var bytes = BsonSerializer.Serialize(document);
        var filter = QueryFilter.Compile(J.Doc(
            "{ department: 'assembly', status: { $in: ['approved', 'pending'] }, qualityScore: { $gte: 50.0 }, tags: 'tag3', size: { $lt: 4000000 }, 'camera.iso': { $gt: 100 }, 'camera.make': { $exists: true } }"));
        Assert.True(filter.Matches(bytes));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(filter.Matches(bytes));
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void AssertSame(BsonDocument filter, BsonDocument document, byte[] bytes)
    {
        var compiled = QueryFilter.Compile(filter);
        bool expected = compiled.Matches(document);
        bool actual = compiled.Matches(bytes);
        Assert.True(expected == actual, $"filter {filter} on {document}: document={expected} bytes={actual}");
    }
}
