using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests.Text;

public sealed class TextIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static BsonDocument J(string json) => BsonJson.Parse(json);

    private static async Task<List<BsonDocument>> Find(Collection c, string filter, string? projection = null, string? sort = null)
    {
        await using var cursor = await c.FindAsync(new FindOptions
        {
            Filter = J(filter), Projection = projection is null ? null : J(projection), Sort = sort is null ? null : J(sort),
        }, null, Ct);
        return await cursor.ToListAsync(Ct);
    }

    private static async Task<Collection> Articles(TestEngine t, string indexOptions = "{}")
    {
        var c = t.Db.GetCollection("articles");
        await c.InsertAsync([
            J("""{"_id": 1, "subject": "coffee", "author": "xyz", "views": 50}"""),
            J("""{"_id": 2, "subject": "Coffee Shopping", "author": "efg", "views": 5}"""),
            J("""{"_id": 3, "subject": "Baking a cake", "author": "abc", "views": 90}"""),
            J("""{"_id": 4, "subject": "baking", "author": "xyz", "views": 100}"""),
            J("""{"_id": 5, "subject": "Café Con Leche", "author": "abc", "views": 200}"""),
            J("""{"_id": 6, "subject": "Сырники", "author": "jkl", "views": 80}"""),
            J("""{"_id": 7, "subject": "coffee and cream", "author": "efg", "views": 10}"""),
            J("""{"_id": 8, "subject": "Cafe con Leche", "author": "xyz", "views": 10}"""),
        ], cancellationToken: Ct);
        var spec = J("""{"key": {"subject": "text"}}""");
        foreach (var e in J(indexOptions)) spec.Add(e.Name, e.Value);
        await c.CreateIndexesAsync([IndexModel.FromDocument(spec)], null, Ct);
        return c;
    }

    private static int[] Ids(List<BsonDocument> docs) => docs.Select(d => d["_id"].AsInt32).Order().ToArray();

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Search_terms_are_ored_case_and_diacritic_insensitive_with_stemming(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Articles(t);
        Assert.Equal(new[] { 1, 2, 7 }, Ids(await Find(c, """{"$text": {"$search": "coffee"}}""")));
        Assert.Equal(new[] { 3, 4, 5, 8 }, Ids(await Find(c, """{"$text": {"$search": "bake café"}}""")));
        Assert.Equal(new[] { 2 }, Ids(await Find(c, """{"$text": {"$search": "shop"}}"""))); // shopping → shop
        Assert.Empty(await Find(c, """{"$text": {"$search": "and the"}}""")); // stop words only
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Phrases_negations_and_sensitivity(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Articles(t);
        Assert.Equal(new[] { 2 }, Ids(await Find(c, """{"$text": {"$search": "\"coffee shop\""}}""")));
        Assert.Equal(new[] { 1, 2 }, Ids(await Find(c, """{"$text": {"$search": "coffee -cream"}}""")));
        Assert.Equal(new[] { 1, 7 }, Ids(await Find(c, """{"$text": {"$search": "coffee -\"coffee shop\""}}""")));
        Assert.Equal(new[] { 2 }, Ids(await Find(c, """{"$text": {"$search": "Coffee", "$caseSensitive": true}}""")));
        Assert.Equal(new[] { 5 }, Ids(await Find(c, """{"$text": {"$search": "CAFÉ", "$diacriticSensitive": true}}""")));
        Assert.Equal(new[] { 1 }, Ids(await Find(c, """{"$text": {"$search": "coffee"}, "author": "xyz"}""")));

        var explain = await c.ExplainFindAsync(new FindOptions { Filter = J("""{"$text": {"$search": "coffee -cream \"coffee shop\""}}""") }, ExplainVerbosity.ExecutionStats, null, Ct);
        var plan = explain["queryPlanner"].AsDocument["winningPlan"].AsDocument;
        Assert.Equal("TEXT_MATCH", plan["stage"].AsString);
        Assert.Equal(J("""{"terms": ["coffe", "shop"], "negatedTerms": ["cream"], "phrases": ["coffee shop"], "negatedPhrases": []}"""), plan["parsedTextQuery"]);
        Assert.Equal("TEXT_OR", plan["inputStage"].AsDocument["inputStage"].AsDocument["stage"].AsString);
        Assert.Equal(1L, explain["executionStats"].AsDocument["nReturned"].ToInt64());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task TextScore_projection_and_sort_follow_mongodb_formula(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = await Articles(t);
        var docs = await Find(c, """{"$text": {"$search": "coffee"}}""", """{"score": {"$meta": "textScore"}}""", """{"score": {"$meta": "textScore"}}""");
        Assert.Equal(1, docs[0]["_id"].AsInt32); // then 2 and 7, tied

        // "coffee" alone: 1 × 1 × (0.5·1/1 + 0.5) = 1 (no 1.1 boost: the stem "coffe" differs from the raw field);
        // "coffee and cream": 1 × (0.5·1/2 + 0.5) = 0.75 ("and" is a stop word and does not count); "Coffee Shopping": 0.75.
        Assert.Equal(1.0, docs[0]["score"].AsDouble, 6);
        Assert.Equal(0.75, docs[1]["score"].AsDouble, 6);
        Assert.Equal(0.75, docs[2]["score"].AsDouble, 6);
        Assert.Equal(new[] { "_id", "subject", "author", "views", "score" }, docs[0].Select(e => e.Name).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Weights_language_none_and_language_override(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("notes");
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"title": "text", "body": "text"}, "weights": {"title": 10}, "default_language": "none", "language_override": "lang"}"""))], null, Ct);
        await c.InsertAsync([
            J("""{"_id": 1, "title": "running", "body": "walking"}"""),
            J("""{"_id": 2, "title": "walking", "body": "running"}"""),
            J("""{"_id": 3, "title": "x", "body": "runs", "lang": "english"}"""),
        ], cancellationToken: Ct);
        var spec = (await c.ListIndexesAsync(null, Ct)).Single(i => i["name"].AsString == "title_text_body_text");
        Assert.Equal(J("""{"title": 10, "body": 1}"""), spec["weights"]);
        Assert.Equal("none", spec["default_language"].AsString);
        Assert.Equal(3L, spec["textIndexVersion"].ToInt64());

        // "none": no stemming, so "running" does not find "runs"; weights put the title match first.
        var docs = await Find(c, """{"$text": {"$search": "running"}}""", """{"s": {"$meta": "textScore"}}""", """{"s": {"$meta": "textScore"}}""");
        Assert.Equal(new[] { 1, 2 }, docs.Select(d => d["_id"].AsInt32).ToArray());
        Assert.Equal(11.0, docs[0]["s"].AsDouble, 6);

        // The document in English (language override) is stemmed (runs → run); an English query stems "running" → run,
        // which the "none" documents (indexed as "running") do not contain — as in MongoDB.
        Assert.Equal(new[] { 3 }, Ids(await Find(c, """{"$text": {"$search": "running", "$language": "english"}}""")));
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Errors_match_mongodb(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("e");
        await c.InsertAsync([J("""{"a": "hello"}""")], cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<MongoException>(() => Find(c, """{"$text": {"$search": "hello"}}"""));
        Assert.Equal(27, ex.Code);
        Assert.Equal("text index required for $text query", ex.Message);

        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"a": "text"}}"""))], null, Ct);
        await c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"a": "text"}}"""))], null, Ct); // same index: no-op
        var second = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"b": "text"}}"""))], null, Ct));
        Assert.Equal(85, second.Code);
        var badLanguage = await Assert.ThrowsAsync<MongoException>(() => c.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"c": "text"}, "name": "x", "default_language": "klingon"}"""))], null, Ct));
        Assert.Equal(67, badLanguage.Code);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Seed_photo_search_pipeline_with_text_match_addFields_and_sort(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var photos = t.Db.GetCollection("photos");
        await photos.CreateIndexesAsync([IndexModel.FromDocument(J("""{"key": {"metadata.inspectorNotes": "text", "metadata.defectsFound": "text", "fileName": "text"}}"""))], null, Ct);
        await photos.InsertAsync([
            J("""{"_id": "p1", "fileName": "weld-001.jpg", "departmentId": "d1", "capturedAt": {"$date": "2024-01-01T00:00:00Z"}, "metadata": {"inspectorNotes": "Crack near the weld seam", "defectsFound": ["crack"]}}"""),
            J("""{"_id": "p2", "fileName": "paint-002.jpg", "departmentId": "d1", "capturedAt": {"$date": "2024-01-02T00:00:00Z"}, "metadata": {"inspectorNotes": "Paint scratches", "defectsFound": ["scratch"]}}"""),
            J("""{"_id": "p3", "fileName": "weld-003.jpg", "departmentId": "d2", "capturedAt": {"$date": "2024-01-03T00:00:00Z"}, "metadata": {"inspectorNotes": "Welds cracked twice, cracks everywhere", "defectsFound": ["crack", "porosity"]}}"""),
        ], cancellationToken: Ct);
        var pipeline = new BsonArray
        {
            J("""{"$match": {"$text": {"$search": "cracks", "$caseSensitive": false}}}"""),
            J("""{"$addFields": {"searchScore": {"$meta": "textScore"}}}"""),
            J("""{"$match": {"departmentId": {"$in": ["d1", "d2"]}}}"""),
            J("""{"$sort": {"searchScore": {"$meta": "textScore"}, "capturedAt": -1}}"""),
            J("""{"$skip": 0}"""), J("""{"$limit": 20}"""),
        };
        await using var cursor = await photos.AggregateAsync(pipeline, null, null, Ct);
        var results = await cursor.ToListAsync(Ct);
        Assert.Equal(new[] { "p3", "p1" }, results.Select(d => d["_id"].AsString).ToArray());
        Assert.True(results[0]["searchScore"].AsDouble > results[1]["searchScore"].AsDouble);
        Assert.All(results, d => Assert.DoesNotContain(d, e => e.Name.StartsWith("$meta", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("running", "run")]
    [InlineData("generously", "generous")]
    [InlineData("stemming", "stem")]
    [InlineData("caresses", "caress")]
    [InlineData("ponies", "poni")]
    [InlineData("happily", "happili")]
    [InlineData("relational", "relat")]
    [InlineData("inspection", "inspect")]
    [InlineData("scratches", "scratch")]
    [InlineData("skies", "sky")]
    [InlineData("agreed", "agre")]
    [InlineData("hopping", "hop")]
    [InlineData("hoping", "hope")]
    [InlineData("consolingly", "consol")]
    [InlineData("consolatory", "consolatori")]
    [InlineData("conspicuously", "conspicu")]
    [InlineData("conspiracy", "conspiraci")]
    [InlineData("constable", "constabl")]
    [InlineData("knackeries", "knackeri")]
    [InlineData("knightly", "knight")]
    [InlineData("knitted", "knit")]
    [InlineData("knives", "knive")]
    [InlineData("kneeling", "kneel")]
    [InlineData("consistently", "consist")]
    [InlineData("consignment", "consign")]
    [InlineData("consolidated", "consolid")]
    public void English_stemmer_matches_snowball(string word, string stem) =>
        Assert.Equal(stem, Outpost.Engine.Indexes.Text.EnglishStemmer.Stem(word));
}
