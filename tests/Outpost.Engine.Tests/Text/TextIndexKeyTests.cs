using Outpost.Bson;
using Outpost.Bson.Json;
using Outpost.Engine.Indexes.Text;
using Outpost.Engine.Keys;

namespace Outpost.Engine.Tests.Text;

/// <summary>
/// The insert path's text keys (span tokenizing, term cache, per-document dedupe) must be exactly the terms the scorer
/// finds — one key per distinct term — whatever the case, language, stop words, repeats and non-ASCII text.
/// </summary>
public sealed class TextIndexKeyTests
{
    private static readonly string[] Texts =
    [
        "Minor orange peel on lower left panel edge; run near mounting hole B. Acceptable after polish.",
        "RUNNING runs ran Runner run run", "The and of a", "Café con Leche, café CON leche", "Сырники и кофе", "IMG_20240101_120000_17.jpg",
        "", "   ", "generously stemming skies dying", "naïve résumé x y z 42 4.2", new string('a', 80) + " " + new string('b', 64),
        "it's don't they're o'clock", "mixed ÀSCII and ascii", "Ünïcödé ünïcödé UNICODE",
    ];

    private static List<string> Hex(IEnumerable<byte[]> keys) => keys.Select(Convert.ToHexString).Order(StringComparer.Ordinal).ToList();

    [Theory]
    [InlineData("english")]
    [InlineData("none")]
    public void Keys_are_the_distinct_scored_terms(string language)
    {
        var pattern = BsonJson.Parse("""{"notes": "text", "tags": "text", "a.b": "text"}""");
        var kind = new TextIndexKind(pattern, new BsonDocument("default_language", language), BsonKeyEncoderAdapter.Instance);
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var tags = new BsonArray();
            for (var t = random.Next(4); t > 0; t--) tags.Add(Texts[random.Next(Texts.Length)]);
            var document = new BsonDocument
            {
                { "_id", round },
                { "notes", Texts[random.Next(Texts.Length)] + " " + Texts[random.Next(Texts.Length)] },
                { "tags", tags },
                { "a", new BsonArray { new BsonDocument("b", Texts[random.Next(Texts.Length)]), new BsonDocument("b", 5) } },
            };
            if (round % 5 == 0) document.Add("language", round % 10 == 0 ? "none" : "english");

            var keys = new List<byte[]>();
            kind.GenerateKeys(document, keys);
            var expected = kind.ScoreDocument(document, false, false, null).Keys.Select(kind.EncodeTerm);
            Assert.Equal(Hex(expected), Hex(keys));
            Assert.Equal(keys.Count, keys.Select(Convert.ToHexString).Distinct().Count());
        }
    }
}
