using Outpost.Bson;
using Outpost.Query.Filters;
using Outpost.Query.Projections;
using Outpost.Query.Sorting;
using Outpost.Query.Tests.Support;
using Outpost.Query.Updates;

namespace Outpost.Query.Tests.Updates;

public class UpdatePlanTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "{ _id: 1, a: 1 }", "{ $set: { a: 2, 'b.c': 3 } }", "{ _id: 1, a: 2, b: { c: 3 } }" },
        { "{ _id: 1, a: [1, 2] }", "{ $set: { 'a.3': 9 } }", "{ _id: 1, a: [1, 2, null, 9] }" },
        { "{ _id: 1, a: 1, b: 2 }", "{ $unset: { a: '' } }", "{ _id: 1, b: 2 }" },
        { "{ _id: 1, a: [1, 2] }", "{ $unset: { 'a.0': '' } }", "{ _id: 1, a: [null, 2] }" },
        { "{ _id: 1, a: 1 }", "{ $inc: { a: 2, b: 1 } }", "{ _id: 1, a: 3, b: 1 }" },
        { "{ _id: 1, a: 2147483647 }", "{ $inc: { a: 1 } }", "{ _id: 1, a: NumberLong(2147483648) }" },
        { "{ _id: 1, a: 1 }", "{ $inc: { a: 0.5 } }", "{ _id: 1, a: 1.5 }" },
        { "{ _id: 1, a: 3 }", "{ $mul: { a: 2, b: 5 } }", "{ _id: 1, a: 6, b: 0 }" },
        { "{ _id: 1, a: 3 }", "{ $min: { a: 1 } }", "{ _id: 1, a: 1 }" },
        { "{ _id: 1, a: 3 }", "{ $max: { a: 1 } }", "{ _id: 1, a: 3 }" },
        { "{ _id: 1, a: 3 }", "{ $rename: { a: 'b.c' } }", "{ _id: 1, b: { c: 3 } }" },
        { "{ _id: 1 }", "{ $setOnInsert: { a: 1 } }", "{ _id: 1 }" },
        { "{ _id: 1, a: [1] }", "{ $push: { a: 2 } }", "{ _id: 1, a: [1, 2] }" },
        { "{ _id: 1 }", "{ $push: { a: 2 } }", "{ _id: 1, a: [2] }" },
        { "{ _id: 1, a: [5, 1] }", "{ $push: { a: { $each: [3, 4], $sort: 1, $slice: 3 } } }", "{ _id: 1, a: [1, 3, 4] }" },
        { "{ _id: 1, a: [1, 2] }", "{ $push: { a: { $each: [9], $position: 0 } } }", "{ _id: 1, a: [9, 1, 2] }" },
        { "{ _id: 1, a: [1, 2, 3] }", "{ $push: { a: { $each: [], $slice: -2 } } }", "{ _id: 1, a: [2, 3] }" },
        { "{ _id: 1, a: [{ s: 2 }, { s: 1 }] }", "{ $push: { a: { $each: [], $sort: { s: 1 } } } }", "{ _id: 1, a: [{ s: 1 }, { s: 2 }] }" },
        { "{ _id: 1, a: [1, 2] }", "{ $addToSet: { a: { $each: [2, 3] } } }", "{ _id: 1, a: [1, 2, 3] }" },
        { "{ _id: 1, a: [1, 2, 3] }", "{ $pop: { a: 1 } }", "{ _id: 1, a: [1, 2] }" },
        { "{ _id: 1, a: [1, 2, 3] }", "{ $pop: { a: -1 } }", "{ _id: 1, a: [2, 3] }" },
        { "{ _id: 1, a: [1, 5, 7] }", "{ $pull: { a: { $gte: 5 } } }", "{ _id: 1, a: [1] }" },
        { "{ _id: 1, a: [1, 5, 1] }", "{ $pull: { a: 1 } }", "{ _id: 1, a: [5] }" },
        { "{ _id: 1, a: [{ x: 1, y: 1 }, { x: 2 }] }", "{ $pull: { a: { x: 1 } } }", "{ _id: 1, a: [{ x: 2 }] }" },
        { "{ _id: 1, a: [1, 2, 3] }", "{ $pullAll: { a: [1, 3] } }", "{ _id: 1, a: [2] }" },
        { "{ _id: 1, a: 13 }", "{ $bit: { a: { and: 10 } } }", "{ _id: 1, a: 8 }" },
        { "{ _id: 1, a: 1 }", "{ $bit: { a: { or: 4, xor: 1 } } }", "{ _id: 1, a: 4 }" },
        { "{ _id: 1, a: [1, 2] }", "{ $inc: { 'a.$[]': 10 } }", "{ _id: 1, a: [11, 12] }" },
        { "{ _id: 1, a: [{ b: 1 }, { b: 2 }] }", "{ $set: { 'a.$[].c': 0 } }", "{ _id: 1, a: [{ b: 1, c: 0 }, { b: 2, c: 0 }] }" },
        { "{ _id: 1, x: 1 }", "{ y: 2 }", "{ _id: 1, y: 2 }" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Operator_applies_as_MongoDB_documents(string before, string update, string after)
    {
        var doc = J.Doc(before);
        var result = UpdatePlan.Compile(J.Value(update)).Apply(doc);
        Assert.Equal(J.Doc(after).ToString(), result.Document.ToString());
    }

    [Fact]
    public void Positional_and_array_filters_target_matched_elements()
    {
        var doc = J.Doc("{ _id: 1, a: [{ b: 1 }, { b: 5 }, { b: 7 }] }");
        UpdatePlan.Compile(J.Value("{ $set: { 'a.$.c': true } }")).Apply(doc, new ApplyContext { MatchedArrayIndex = 1 });
        Assert.Equal(J.Doc("{ b: 5, c: true }"), doc["a"].AsArray[1]);

        var plan = UpdatePlan.Compile(J.Value("{ $inc: { 'a.$[x].b': 100 } }"), arrayFilters: (BsonArray)J.Value("[{ 'x.b': { $gt: 4 } }]"));
        var r = plan.Apply(doc);
        Assert.Equal(J.Value("[{ b: 1 }, { b: 105, c: true }, { b: 107 }]"), doc["a"]);
        Assert.True(r.Changed);
        Assert.Equal(new BsonInt32(105), r.Description.UpdatedFields["a.1.b"]);
    }

    [Fact]
    public void SetOnInsert_applies_only_on_upsert_insert_and_seed_takes_query_equalities()
    {
        var seed = UpdatePlan.CreateUpsertSeed(J.Doc("{ 'a.b': 1, c: { $eq: 2 }, d: { $gt: 1 }, _id: 7 }"));
        Assert.Equal(J.Doc("{ _id: 7, a: { b: 1 }, c: 2 }").ToString(), seed.ToString());
        UpdatePlan.Compile(J.Value("{ $setOnInsert: { n: 1 } }")).Apply(seed, new ApplyContext { IsUpsertInsert = true });
        Assert.Equal(new BsonInt32(1), seed["n"]);
    }

    [Fact]
    public void Description_reports_updated_removed_and_truncated()
    {
        var doc = J.Doc("{ _id: 1, a: 1, b: 2, c: [1, 2, 3] }");
        var r = UpdatePlan.Compile(J.Value("{ $set: { a: 5 }, $unset: { b: 1 }, $pop: { c: 1 } }")).Apply(doc);
        Assert.Equal(new BsonInt32(5), r.Description.UpdatedFields["a"]);
        Assert.Equal(["b"], r.Description.RemovedFields);
        Assert.Equal(("c", 2), r.Description.TruncatedArrays[0]);
        Assert.False(UpdatePlan.Compile(J.Value("{ $set: { a: 5 } }")).Apply(doc).Changed);
    }

    public static TheoryData<string, string, int> Errors => new()
    {
        { "{ _id: 1, a: 1 }", "{ $set: { a: 1 }, $inc: { a: 1 } }", 40 },
        { "{ _id: 1, a: 1 }", "{ $set: { a: 1, 'a.b': 1 } }", 40 },
        { "{ _id: 1, a: 1 }", "{ $set: { _id: 2 } }", 66 },
        { "{ _id: 1, a: 1 }", "{ _id: 2, a: 1 }", 66 },
        { "{ _id: 1, a: 'x' }", "{ $inc: { a: 1 } }", 14 },
        { "{ _id: 1, a: 1 }", "{ $inc: { a: 'x' } }", 14 },
        { "{ _id: 1, a: 1 }", "{ $foo: { a: 1 } }", 9 },
        { "{ _id: 1, a: 1 }", "{ $set: 1 }", 9 },
        { "{ _id: 1, a: 1 }", "{ $set: { } }", 9 },
        { "{ _id: 1, a: 1 }", "{ $set: { 'a.b': 1 } }", 28 },
        { "{ _id: 1, a: 1 }", "{ $push: { a: 1 } }", 2 },
        { "{ _id: 1, a: [1] }", "{ $pop: { a: 2 } }", 9 },
        { "{ _id: 1, a: [1] }", "{ $set: { 'a.$': 2 } }", 2 },
        { "{ _id: 1, a: [1] }", "{ $set: { 'a.$[x]': 2 } }", 2 },
        { "{ _id: 1, a: 1 }", "{ $rename: { a: 1 } }", 2 },
        { "{ _id: 1, a: 1 }", "{ $set: { '': 1 } }", 56 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void Bad_update_raises_MongoDB_code(string before, string update, int code)
    {
        var e = Assert.Throws<MongoException>(() => UpdatePlan.Compile(J.Value(update)).Apply(J.Doc(before)));
        Assert.Equal(code, e.Code);
    }

    [Fact]
    public void Sort_uses_smallest_element_ascending_and_largest_descending_missing_as_null()
    {
        var docs = new[] { J.Doc("{ _id: 1, a: [1, 9] }"), J.Doc("{ _id: 2, a: 5 }"), J.Doc("{ _id: 3 }"), J.Doc("{ _id: 4, a: 'x' }") };
        var asc = docs.OrderBy(d => d, SortSpec.Compile(J.Doc("{ a: 1 }"))).Select(d => d["_id"].AsInt32).ToArray();
        Assert.Equal([3, 1, 2, 4], asc);
        var desc = docs.OrderBy(d => d, SortSpec.Compile(J.Doc("{ a: -1 }"))).Select(d => d["_id"].AsInt32).ToArray();
        Assert.Equal([4, 1, 2, 3], desc);
        Assert.Equal(15975, Assert.Throws<MongoException>(() => SortSpec.Compile(J.Doc("{ a: 2 }"))).Code);
    }

    [Fact]
    public void Collation_numeric_ordering_and_case_insensitive_sort()
    {
        var c = Collation.FromDocument(J.Doc("{ locale: 'en', numericOrdering: true }"));
        Assert.True(c.Compare("item10", "item9") > 0);
        var ci = Collation.FromDocument(J.Doc("{ locale: 'en', strength: 2 }"));
        Assert.Equal(0, ci.Compare("ABC", "abc"));
        Assert.Equal(ErrorCodes.BadValue, Assert.Throws<MongoException>(() => Collation.FromDocument(J.Doc("{ locale: 'en', strength: 9 }"))).Code);
    }

    public static TheoryData<string, string, string> Projections => new()
    {
        { "{ a: 1 }", "{ _id: 1, a: 1, b: 2 }", "{ _id: 1, a: 1 }" },
        { "{ a: 1, _id: 0 }", "{ _id: 1, a: 1, b: 2 }", "{ a: 1 }" },
        { "{ b: 0 }", "{ _id: 1, a: 1, b: 2 }", "{ _id: 1, a: 1 }" },
        { "{ 'a.b': 1 }", "{ _id: 1, a: { b: 1, c: 2 } }", "{ _id: 1, a: { b: 1 } }" },
        { "{ 'a.b': 1 }", "{ _id: 1, a: [{ b: 1, c: 2 }, 5] }", "{ _id: 1, a: [{ b: 1 }] }" },
        { "{ 'a.c': 0 }", "{ _id: 1, a: [{ b: 1, c: 2 }] }", "{ _id: 1, a: [{ b: 1 }] }" },
        { "{ a: { $slice: 2 } }", "{ _id: 1, a: [1, 2, 3], b: 1 }", "{ _id: 1, a: [1, 2], b: 1 }" },
        { "{ a: { $slice: -1 } }", "{ _id: 1, a: [1, 2, 3] }", "{ _id: 1, a: [3] }" },
        { "{ a: { $slice: [1, 1] } }", "{ _id: 1, a: [1, 2, 3] }", "{ _id: 1, a: [2] }" },
        { "{ a: { $elemMatch: { $gt: 1 } } }", "{ _id: 1, a: [1, 2, 3], b: 1 }", "{ _id: 1, a: [2] }" },
    };

    [Theory]
    [MemberData(nameof(Projections))]
    public void Projection_shapes_documents(string projection, string doc, string expected)
    {
        Assert.Equal(J.Doc(expected).ToString(), ProjectionPlan.Compile(J.Doc(projection)).Apply(J.Doc(doc)).ToString());
    }

    [Fact]
    public void Projection_positional_and_errors()
    {
        var details = new MatchDetails();
        var doc = J.Doc("{ _id: 1, a: [1, 5, 9] }");
        Assert.True(QueryFilter.Compile(J.Doc("{ a: { $gt: 3 } }")).Matches(doc, details));
        Assert.Equal(J.Doc("{ _id: 1, a: [5] }").ToString(), ProjectionPlan.Compile(J.Doc("{ 'a.$': 1 }")).Apply(doc, details).ToString());
        Assert.Equal(31254, Assert.Throws<MongoException>(() => ProjectionPlan.Compile(J.Doc("{ a: 1, b: 0 }"))).Code);
        Assert.Equal(31253, Assert.Throws<MongoException>(() => ProjectionPlan.Compile(J.Doc("{ a: 0, b: 1 }"))).Code);
        var scored = ProjectionPlan.Compile(J.Doc("{ a: 1, s: { $meta: 'textScore' } }")).Apply(doc, null, 1.5);
        Assert.Equal(new BsonDouble(1.5), scored["s"]);
    }
}
