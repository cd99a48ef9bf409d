using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Query.Filters;
using Outpost.Query.Sorting;
using Outpost.Query.Tests.Support;

namespace Outpost.Query.Tests.Filters;

public class FilterOperatorTests
{
    // filter, document, expected match
    public static TheoryData<string, string, bool> Cases => new()
    {
        // equality, null vs missing, arrays
        { "{ a: 1 }", "{ a: 1 }", true },
        { "{ a: 1 }", "{ a: 1.0 }", true },
        { "{ a: 1 }", "{ a: NumberLong(1) }", true },
        { "{ a: 1 }", "{ a: NumberDecimal('1') }", true },
        { "{ a: 1 }", "{ a: '1' }", false },
        { "{ a: 1 }", "{ a: [2, 1] }", true },
        { "{ a: [1, 2] }", "{ a: [1, 2] }", true },
        { "{ a: [1, 2] }", "{ a: [[1, 2], 3] }", true },
        { "{ a: [1, 2] }", "{ a: [2, 1] }", false },
        { "{ a: null }", "{ }", true },
        { "{ a: null }", "{ a: null }", true },
        { "{ a: null }", "{ a: undefined }", false },
        { "{ a: null }", "{ a: [1, null] }", true },
        { "{ 'a.b': null }", "{ a: [{ c: 1 }] }", true },
        { "{ 'a.b': null }", "{ a: [{ b: 1 }] }", false },
        { "{ 'a.b': null }", "{ a: 5 }", true },
        { "{ a: { $ne: null } }", "{ }", false },
        { "{ a: { $ne: 1 } }", "{ a: [1, 2] }", false },
        { "{ a: { $ne: 3 } }", "{ a: [1, 2] }", true },
        { "{ a: { $ne: 3 } }", "{ }", true },
        { "{ 'a.b': 2 }", "{ a: [{ b: 1 }, { b: 2 }] }", true },
        { "{ 'a.b': 2 }", "{ a: [[{ b: 2 }]] }", false },
        { "{ 'a.1': 5 }", "{ a: [4, 5] }", true },
        { "{ 'a.1': 5 }", "{ a: { '1': 5 } }", true },
        { "{ 'a.0.b': 1 }", "{ a: [{ b: 1 }] }", true },
        { "{ a: { b: 1 } }", "{ a: { b: 1 } }", true },
        { "{ a: { b: 1 } }", "{ a: { b: 1, c: 2 } }", false },
        // comparison and type brackets
        { "{ a: { $gt: 1 } }", "{ a: 2 }", true },
        { "{ a: { $gt: 1 } }", "{ a: 'x' }", false },
        { "{ a: { $gt: 1 } }", "{ a: [0, 5] }", true },
        { "{ a: { $lt: 'b' } }", "{ a: 'a' }", true },
        { "{ a: { $lt: 'b' } }", "{ a: 1 }", false },
        { "{ a: { $gte: null } }", "{ }", true },
        { "{ a: { $gt: null } }", "{ a: null }", false },
        { "{ a: { $gt: MinKey } }", "{ a: 'x' }", true },
        { "{ a: { $lt: MaxKey } }", "{ }", true },
        { "{ a: { $gt: NaN } }", "{ a: 5 }", false },
        { "{ a: { $gte: NaN } }", "{ a: NaN }", true },
        { "{ a: { $lt: 5 } }", "{ a: NaN }", false },
        { "{ a: { $gt: 1, $lt: 5 } }", "{ a: [0, 6] }", true },
        { "{ a: { $gt: Date(5) } }", "{ a: Date(6) }", true },
        { "{ a: { $gt: Date(5) } }", "{ a: 6 }", false },
        { "{ a: { $lte: NumberDecimal('2.5') } }", "{ a: 2 }", true },
        // $in / $nin
        { "{ a: { $in: [1, 2] } }", "{ a: 2 }", true },
        { "{ a: { $in: [1, 2] } }", "{ a: [5, 2] }", true },
        { "{ a: { $in: [null] } }", "{ }", true },
        { "{ a: { $in: [/^x/] } }", "{ a: 'xy' }", true },
        { "{ a: { $in: [] } }", "{ a: 1 }", false },
        { "{ a: { $nin: [1, 2] } }", "{ a: 3 }", true },
        { "{ a: { $nin: [1, 2] } }", "{ }", true },
        { "{ a: { $nin: [1, 2] } }", "{ a: [3, 1] }", false },
        // logical
        { "{ $and: [{ a: 1 }, { b: 2 }] }", "{ a: 1, b: 2 }", true },
        { "{ $or: [{ a: 1 }, { b: 2 }] }", "{ b: 2 }", true },
        { "{ $nor: [{ a: 1 }, { b: 2 }] }", "{ b: 3 }", true },
        { "{ a: { $not: { $gt: 5 } } }", "{ }", true },
        { "{ a: { $not: { $gt: 5 } } }", "{ a: 6 }", false },
        { "{ a: { $not: /^x/ } }", "{ a: 'y' }", true },
        // $exists / $type
        { "{ a: { $exists: true } }", "{ a: null }", true },
        { "{ a: { $exists: false } }", "{ }", true },
        { "{ 'a.b': { $exists: true } }", "{ a: [{ c: 1 }, { b: 1 }] }", true },
        { "{ a: { $exists: true } }", "{ a: [] }", true },
        { "{ a: { $type: 'string' } }", "{ a: 'x' }", true },
        { "{ a: { $type: 2 } }", "{ a: 'x' }", true },
        { "{ a: { $type: 'number' } }", "{ a: NumberLong(1) }", true },
        { "{ a: { $type: 'array' } }", "{ a: [] }", true },
        { "{ a: { $type: 'int' } }", "{ a: [1.5, 2] }", true },
        { "{ a: { $type: ['bool', 'null'] } }", "{ a: null }", true },
        { "{ a: { $type: 'null' } }", "{ }", false },
        // $regex
        { "{ a: /ab/ }", "{ a: 'cabd' }", true },
        { "{ a: /AB/i }", "{ a: 'cabd' }", true },
        { "{ a: { $regex: '^a.c$', $options: 's' } }", "{ a: 'a\\nc' }", true },
        { "{ a: { $regex: '^c', $options: 'm' } }", "{ a: 'a\\nc' }", true },
        { "{ a: { $regex: 'a b', $options: 'x' } }", "{ a: 'ab' }", true },
        { "{ a: /x/ }", "{ a: 5 }", false },
        { "{ a: /x/ }", "{ a: ['y', 'x'] }", true },
        // $mod, $size, $all, $elemMatch
        { "{ a: { $mod: [4, 0] } }", "{ a: 8 }", true },
        { "{ a: { $mod: [4, 0] } }", "{ a: 8.9 }", true },
        { "{ a: { $mod: [4, 1] } }", "{ a: 8 }", false },
        { "{ a: { $mod: [4, -1] } }", "{ a: -5 }", true },
        { "{ a: { $size: 2 } }", "{ a: [1, 2] }", true },
        { "{ a: { $size: 1 } }", "{ a: [[1, 2]] }", true },
        { "{ a: { $size: 0 } }", "{ }", false },
        { "{ a: { $all: [1, 2] } }", "{ a: [2, 3, 1] }", true },
        { "{ a: { $all: [1, 2] } }", "{ a: [2, 3] }", false },
        { "{ a: { $all: [1] } }", "{ a: 1 }", true },
        { "{ a: { $all: [] } }", "{ a: [] }", false },
        { "{ a: { $all: [{ $elemMatch: { b: 1 } }, { $elemMatch: { b: 2 } }] } }", "{ a: [{ b: 1 }, { b: 2 }] }", true },
        { "{ a: { $elemMatch: { $gt: 1, $lt: 3 } } }", "{ a: [0, 2, 5] }", true },
        { "{ a: { $elemMatch: { $gt: 1, $lt: 3 } } }", "{ a: [0, 5] }", false },
        { "{ a: { $elemMatch: { $gt: 1 } } }", "{ a: 5 }", false },
        { "{ a: { $elemMatch: { b: 1, c: 2 } } }", "{ a: [{ b: 1 }, { c: 2 }] }", false },
        { "{ a: { $elemMatch: { b: 1, c: 2 } } }", "{ a: [{ b: 1, c: 2 }] }", true },
        { "{ a: { $elemMatch: { $ne: 1 } } }", "{ a: [1, 2] }", true },
        // bits
        { "{ a: { $bitsAllSet: 5 } }", "{ a: 7 }", true },
        { "{ a: { $bitsAllSet: [0, 2] } }", "{ a: 2 }", false },
        { "{ a: { $bitsAnySet: [1] } }", "{ a: 2 }", true },
        { "{ a: { $bitsAllClear: 5 } }", "{ a: 2 }", true },
        { "{ a: { $bitsAnyClear: 7 } }", "{ a: 7 }", false },
        { "{ a: { $bitsAllSet: 1 } }", "{ a: 1.5 }", false },
        { "{ a: { $bitsAllSet: 1 } }", "{ a: 'x' }", false },
        { "{ a: { $bitsAllSet: [63] } }", "{ a: NumberLong(-1) }", true },
        // $comment, geo
        { "{ a: 1, $comment: 'why' }", "{ a: 1 }", true },
        { "{ p: { $geoWithin: { $box: [[0, 0], [10, 10]] } } }", "{ p: [5, 5] }", true },
        { "{ p: { $geoWithin: { $box: [[0, 0], [10, 10]] } } }", "{ p: [11, 5] }", false },
        { "{ p: { $geoWithin: { $center: [[0, 0], 2] } } }", "{ p: { x: 1, y: 1 } }", true },
        { "{ p: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]] } } } }", "{ p: { type: 'Point', coordinates: [1, 1] } }", true },
        { "{ p: { $geoWithin: { $geometry: { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]] } } } }", "{ p: { type: 'Point', coordinates: [5, 1] } }", false },
        { "{ p: { $geoWithin: { $centerSphere: [[0, 0], 0.1] } } }", "{ p: [1, 1] }", true },
        { "{ p: { $geoWithin: { $centerSphere: [[0, 0], 0.01] } } }", "{ p: [1, 1] }", false },
        { "{ p: { $geoIntersects: { $geometry: { type: 'Polygon', coordinates: [[[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]] } } } }", "{ p: { type: 'Point', coordinates: [4, 2] } }", true },
        { "{ p: { $near: [0, 0], $maxDistance: 2 } }", "{ p: [1, 1] }", true },
        { "{ p: { $near: [0, 0], $maxDistance: 1 } }", "{ p: [1, 1] }", false },
        // $jsonSchema
        { "{ $jsonSchema: { required: ['a'], properties: { a: { bsonType: 'int', minimum: 1 } } } }", "{ a: 2 }", true },
        { "{ $jsonSchema: { required: ['a'], properties: { a: { bsonType: 'int', minimum: 1 } } } }", "{ a: 0 }", false },
        { "{ $jsonSchema: { required: ['a'] } }", "{ b: 1 }", false },
        { "{ $jsonSchema: { properties: { a: { type: 'string', minLength: 2, maxLength: 3, pattern: '^x' } } } }", "{ a: 'xy' }", true },
        { "{ $jsonSchema: { properties: { a: { type: 'string', minLength: 2 } } } }", "{ a: 'x' }", false },
        { "{ $jsonSchema: { properties: { a: { maximum: 5, exclusiveMaximum: true } } } }", "{ a: 5 }", false },
        { "{ $jsonSchema: { properties: { a: { enum: [1, 'x'] } } } }", "{ a: 'x' }", true },
        { "{ $jsonSchema: { additionalProperties: false, properties: { a: { } } } }", "{ a: 1, b: 2 }", false },
        { "{ $jsonSchema: { properties: { a: { items: { bsonType: 'int' }, minItems: 1, uniqueItems: true } } } }", "{ a: [1, 2] }", true },
        { "{ $jsonSchema: { properties: { a: { uniqueItems: true } } } }", "{ a: [1, 1] }", false },
        { "{ $jsonSchema: { properties: { a: { items: { bsonType: 'int' } } } } }", "{ a: [1, 'x'] }", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operator_matches_as_MongoDB_documents(string filter, string document, bool expected)
    {
        var f = QueryFilter.Compile(J.Doc(filter));
        var doc = J.Doc(document);
        Assert.Equal(expected, f.Matches(doc));
        Assert.Equal(expected, f.Matches(BsonSerializer.Serialize(doc)));
    }

    public static TheoryData<string, int> Errors => new()
    {
        { "{ $foo: 1 }", ErrorCodes.BadValue },
        { "{ a: { $foo: 1 } }", ErrorCodes.BadValue },
        { "{ $and: [] }", ErrorCodes.BadValue },
        { "{ $or: 1 }", ErrorCodes.BadValue },
        { "{ $and: [1] }", ErrorCodes.BadValue },
        { "{ a: { $in: 1 } }", ErrorCodes.BadValue },
        { "{ a: { $in: [{ $gt: 1 }] } }", ErrorCodes.BadValue },
        { "{ a: { $not: {} } }", ErrorCodes.BadValue },
        { "{ a: { $not: 5 } }", ErrorCodes.BadValue },
        { "{ a: { $mod: [0, 1] } }", ErrorCodes.BadValue },
        { "{ a: { $mod: [1] } }", ErrorCodes.BadValue },
        { "{ a: { $mod: 1 } }", ErrorCodes.BadValue },
        { "{ a: { $size: -1 } }", ErrorCodes.BadValue },
        { "{ a: { $size: 1.5 } }", ErrorCodes.BadValue },
        { "{ a: { $type: 'foo' } }", ErrorCodes.BadValue },
        { "{ a: { $type: 99 } }", ErrorCodes.BadValue },
        { "{ a: { $regex: 'x', $options: 'q' } }", 51108 },
        { "{ a: { $options: 'i' } }", ErrorCodes.BadValue },
        { "{ a: { $elemMatch: 1 } }", ErrorCodes.BadValue },
        { "{ a: { $all: 1 } }", ErrorCodes.BadValue },
        { "{ a: { $bitsAllSet: -1 } }", ErrorCodes.BadValue },
        { "{ a: { $bitsAllSet: 'x' } }", ErrorCodes.BadValue },
        { "{ $where: 'this.a == 1' }", ErrorCodes.BadValue },
        { "{ $jsonSchema: { bogus: 1 } }", ErrorCodes.FailedToParse },
        { "{ $text: { $search: 'a' }, $or: [{ $text: { $search: 'b' } }] }", ErrorCodes.BadValue },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Malformed_filter_raises_MongoDB_code(string filter, int code)
    {
        var e = Assert.Throws<MongoException>(() => QueryFilter.Compile(J.Doc(filter)));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Unknown_operator_message_matches_MongoDB()
    {
        var e = Assert.Throws<MongoException>(() => QueryFilter.Compile(J.Doc("{ a: { $foo: 1 } }")));
        Assert.Equal("unknown operator: $foo", e.Message);
    }

    [Fact]
    public void Positional_details_report_first_matching_element()
    {
        var f = QueryFilter.Compile(J.Doc("{ 'a.b': { $gt: 1 } }"));
        var details = new MatchDetails();
        Assert.True(f.Matches(J.Doc("{ a: [{ b: 0 }, { b: 1 }, { b: 5 }] }"), details));
        Assert.Equal(2, details.ArrayIndex);

        var g = QueryFilter.Compile(J.Doc("{ a: 3 }"));
        details.Reset();
        Assert.True(g.Matches(J.Doc("{ a: [1, 2, 3] }"), details));
        Assert.Equal(2, details.ArrayIndex);
    }

    [Fact]
    public void Analysis_exposes_equality_ranges_in_and_exists()
    {
        var f = QueryFilter.Compile(J.Doc("{ a: 1, b: { $gte: 2, $lt: 9 }, c: { $in: [1, 2] }, d: { $exists: true }, $text: { $search: 'cat' } }"));
        var a = f.Analysis;
        Assert.True(a.IsConjunction);
        Assert.Equal(new BsonInt32(1), a.Paths["a"].Equality);
        Assert.Equal(new BsonInt32(2), a.Paths["b"].LowerBound);
        Assert.True(a.Paths["b"].LowerInclusive);
        Assert.Equal(new BsonInt32(9), a.Paths["b"].UpperBound);
        Assert.False(a.Paths["b"].UpperInclusive);
        Assert.Equal(2, a.Paths["c"].In!.Count);
        Assert.True(a.Paths["d"].Exists);
        Assert.Equal("cat", a.Text!.Search);
        Assert.False(QueryFilter.Compile(J.Doc("{ $or: [{ a: 1 }, { b: 1 }] }")).Analysis.IsConjunction);
    }

    [Fact]
    public void Near_is_exposed_for_the_engine()
    {
        var f = QueryFilter.Compile(J.Doc("{ loc: { $nearSphere: { $geometry: { type: 'Point', coordinates: [1, 2] }, $maxDistance: 1000 } } }"));
        Assert.NotNull(f.Analysis.Near);
        Assert.Equal(1000, f.Analysis.Near!.MaxDistance);
        Assert.True(f.Analysis.Near.IsGeoJson);
    }

    [Theory]
    [InlineData(1, "{ a: 'CAFE' }", "{ a: 'café' }", true)]
    [InlineData(2, "{ a: 'CAFE' }", "{ a: 'cafe' }", true)]
    [InlineData(2, "{ a: 'CAFE' }", "{ a: 'café' }", false)]
    [InlineData(3, "{ a: 'CAFE' }", "{ a: 'cafe' }", false)]
    public void Collation_strength_controls_string_equality(int strength, string filter, string doc, bool expected)
    {
        var ctx = new QueryContext { Collation = new Collation { Locale = "en", Strength = strength } };
        Assert.Equal(expected, QueryFilter.Compile(J.Doc(filter), ctx).Matches(J.Doc(doc)));
    }
}
