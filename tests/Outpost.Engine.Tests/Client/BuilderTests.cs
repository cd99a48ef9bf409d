using Outpost.Bson;
using Outpost.Engine.Client;

namespace Outpost.Engine.Tests.Client;

public sealed class BuilderTests
{
    private static readonly BsonMapper Camel = new(new BsonMapperOptions { CamelCaseElementNames = true, EnumsAsStrings = true });

    private static BsonDocument Render(FilterDefinition<Photo> filter) => filter.Render(Camel);

    private static BsonDocument Where(System.Linq.Expressions.Expression<Func<Photo, bool>> predicate) => Render(Filter<Photo>.Where(predicate));

    private static void Same(string expected, BsonDocument actual) =>
        Assert.True(BsonDocument.Parse(expected).Equals(actual), $"expected {expected} but got {actual.ToJson()}");

    [Fact]
    public void Filter_builders_render_mapped_names_and_values()
    {
        Same("""{"status": "Approved"}""", Render(Filter<Photo>.Eq(p => p.Status, PhotoStatus.Approved)));
        Same("""{"size": {"$gt": 10}}""", Render(Filter<Photo>.Gt(p => p.Size, 10)));
        Same("""{"size": {"$gte": 10}}""", Render(Filter<Photo>.Gte(p => p.Size, 10)));
        Same("""{"size": {"$lt": 10}}""", Render(Filter<Photo>.Lt(p => p.Size, 10)));
        Same("""{"size": {"$lte": 10}}""", Render(Filter<Photo>.Lte(p => p.Size, 10)));
        Same("""{"location.city": {"$in": ["Lyon", "Oslo"]}}""", Render(Filter<Photo>.In(p => p.Location!.City, ["Lyon", "Oslo"])));
        Same("""{"by": {"$exists": false}}""", Render(Filter<Photo>.Exists(p => p.Author, false)));
        Same("""{"$and": [{"size": 1}, {"$or": [{"isPublic": true}, {"views": {"$ne": 0}}]}]}""",
            Render(Filter<Photo>.Eq(p => p.Size, 1) & (Filter<Photo>.Eq(p => p.IsPublic, true) | Filter<Photo>.Ne(p => p.Views, 0L))));
        Same("""{"tags": "x"}""", Render(Filter<Photo>.AnyEq(p => p.Tags, "x")));
        Same("""{"price": {"$numberDecimal": "1.5"}}""", Render(Filter<Photo>.Eq(p => p.Price, 1.5m)));
    }

    [Fact]
    public void Where_translates_comparisons_logic_and_booleans()
    {
        var min = 100;
        Same("""{"size": {"$gt": 100}}""", Where(p => p.Size > min));
        Same("""{"size": {"$lt": 100}}""", Where(p => min > p.Size));
        Same("""{"size": {"$ne": 3}}""", Where(p => p.Size != 3));
        Same("""{"$and": [{"size": {"$gte": 1}}, {"size": {"$lte": 9}}, {"isPublic": true}]}""", Where(p => p.Size >= 1 && p.Size <= 9 && p.IsPublic));
        Same("""{"$or": [{"isPublic": {"$ne": true}}, {"status": "Rejected"}]}""", Where(p => !p.IsPublic || p.Status == PhotoStatus.Rejected));
        Same("""{"$nor": [{"size": 1}]}""", Where(p => !(p.Size == 1)));
        Same("""{"by": null}""", Where(p => p.Author == null));
        Same("""{"rating": {"$ne": null}}""", Where(p => p.Rating != null));
        Same("""{"rating": {"$gt": 3}}""", Where(p => p.Rating > 3));
        Same("""{"location.city": "Lyon"}""", Where(p => p.Location!.City == "Lyon"));
    }

    [Fact]
    public void Where_translates_StartsWith_and_Contains()
    {
        Same("""{"title": {"$regex": "^a\\.b", "$options": ""}}""", Where(p => p.Title.StartsWith("a.b")));
        var titles = new List<string> { "x", "y" };
        Same("""{"title": {"$in": ["x", "y"]}}""", Where(p => titles.Contains(p.Title)));
        var statuses = new[] { PhotoStatus.Approved, PhotoStatus.Pending };
        Same("""{"status": {"$in": ["Approved", "Pending"]}}""", Where(p => statuses.Contains(p.Status)));
        Same("""{"tags": "red"}""", Where(p => p.Tags.Contains("red")));
    }

    [Fact]
    public void Where_rejects_what_it_cannot_translate()
    {
        var e1 = Assert.Throws<NotSupportedException>(() => Where(p => p.Size > p.Views));
        Assert.Contains("Cannot translate", e1.Message);
        Assert.Throws<NotSupportedException>(() => Where(p => p.Title.Length == 3));
        Assert.Throws<NotSupportedException>(() => Where(p => p.Title.ToUpperInvariant() == "A"));
    }

    [Fact]
    public void Update_and_sort_builders_group_operators()
    {
        var update = Update<Photo>.Set(p => p.Title, "t").Inc(p => p.Views, 2L).Push(p => p.Tags, "n").Unset(p => p.Rating).Set(p => p.Status, PhotoStatus.Pending);
        Same("""{"$set": {"title": "t", "status": "Pending"}, "$inc": {"views": 2}, "$push": {"tags": "n"}, "$unset": {"rating": ""}}""", update.Render(Camel));
        Same("""{"takenAt": -1, "_id": 1}""", Sort<Photo>.Descending(p => p.TakenAt).Ascending(p => p.Id).Render(Camel));
    }
}
