using Outpost.Bson;
using Outpost.Query.Projections;
using Outpost.Query.Tests.Support;

namespace Outpost.Query.Tests.Projections;

/// <summary>
/// <see cref="ProjectionPlan.ApplyToOwned"/> gives exactly what <see cref="ProjectionPlan.Apply"/> gives; it edits the
/// owned document only for projections that cannot read it back ($elemMatch and expressions always copy).
/// </summary>
public class ProjectionOwnedTests
{
    private const string Source = "{ _id: 1, a: 1, b: { c: 2, d: [1, 2, 3] }, e: [{ k: 1 }, { k: 2 }], f: 'x' }";

    public static TheoryData<string> Projections => new()
    {
        "{ a: 0 }",
        "{ 'b.c': 0, f: 0 }",
        "{ _id: 0, e: 0 }",
        "{ 'b.d': { $slice: 2 }, a: 0 }",
        "{ e: { $elemMatch: { k: 2 } } }",
        "{ a: 1, 'b.c': 1 }",
        "{ a: 1, g: { $add: ['$a', 1] } }",
        "{ 'b.d': { $slice: -1 } }",
    };

    [Theory]
    [MemberData(nameof(Projections))]
    public void Owned_projection_equals_the_copying_one(string projection)
    {
        var plan = ProjectionPlan.Compile(J.Doc(projection));
        var expected = plan.Apply(J.Doc(Source));

        var owned = J.Doc(Source);
        var actual = plan.ApplyToOwned(owned);

        Assert.Equal(expected.ToString(), actual.ToString());
    }

    [Fact]
    public void An_exclusion_edits_the_owned_document_instead_of_copying_it()
    {
        var plan = ProjectionPlan.Compile(J.Doc("{ 'b.d': 0, f: 0 }"));
        var owned = J.Doc(Source);

        var result = plan.ApplyToOwned(owned);

        Assert.Same(owned, result);
        Assert.Equal(J.Doc("{ _id: 1, a: 1, b: { c: 2 }, e: [{ k: 1 }, { k: 2 }] }").ToString(), result.ToString());
    }

    [Fact]
    public void Apply_leaves_the_source_untouched()
    {
        var plan = ProjectionPlan.Compile(J.Doc("{ 'b.d': 0, f: 0 }"));
        var source = J.Doc(Source);

        var result = plan.Apply(source);

        Assert.NotSame(source, result);
        Assert.Equal(J.Doc(Source).ToString(), source.ToString());
    }
}
