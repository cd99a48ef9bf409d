using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// A document refused by a collection's $jsonSchema validator: the 121 write error carries MongoDB 5.0+'s errInfo
/// (failingDocumentId, details.schemaRulesNotSatisfied) naming every violated field, on inserts and updates.
/// </summary>
public sealed class ValidationErrInfoTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly BsonDocument Schema = BsonJson.Parse("""
        { "$jsonSchema": { "bsonType": "object", "required": ["fileName", "checksumMD5", "metadata"],
          "properties": {
            "fileName": { "bsonType": "string", "minLength": 1 },
            "checksumMD5": { "bsonType": "string", "pattern": "^[a-f0-9]{32}$" },
            "fileSize": { "bsonType": "int", "minimum": 1 },
            "metadata": { "bsonType": "object", "properties": { "qualityRating": { "bsonType": "int", "minimum": 1, "maximum": 10 } } } } } }
        """);

    /// <summary>Walks names and indexes down nested documents and arrays.</summary>
    private static BsonDocument At(BsonValue value, params object[] steps)
    {
        foreach (var step in steps) value = step is string name ? value.AsDocument[name] : value.AsArray[(int)step];
        return value.AsDocument;
    }

    /// <summary>Every field path the details name (property names joined by dots, missing properties included).</summary>
    private static List<string> NamedFields(BsonValue details, string prefix = "")
    {
        var names = new List<string>();
        switch (details)
        {
            case BsonArray list:
                foreach (var item in list) names.AddRange(NamedFields(item, prefix));
                break;
            case BsonDocument d:
                if (d.TryGetValue("missingProperties", out var missing))
                    foreach (var m in missing.AsArray) names.Add(prefix + m.AsString);
                if (d.TryGetValue("propertiesNotSatisfied", out var props))
                {
                    foreach (var p in props.AsArray)
                    {
                        var name = prefix + p.AsDocument["propertyName"].AsString;
                        var inner = NamedFields(p.AsDocument["details"], name + ".");
                        if (inner.Count == 0) names.Add(name);
                        names.AddRange(inner);
                    }
                }
                if (d.TryGetValue("schemaRulesNotSatisfied", out var rules)) names.AddRange(NamedFields(rules, prefix));
                break;
        }
        return names;
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Insert_error_names_every_violated_field(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("photos", new CreateCollectionOptions { Validator = Schema }, cancellationToken: Ct);
        var photos = t.Db.GetCollection("photos");
        var bad = BsonJson.Parse("""{ "_id": 7, "fileName": "", "checksumMD5": "nothex", "fileSize": 0, "metadata": { "qualityRating": 11 } }""");

        var result = await photos.InsertAsync([BsonJson.Parse("""{ "fileName": "a.jpg", "checksumMD5": "0123456789abcdef0123456789abcdef", "metadata": {} }"""), bad],
            new InsertOptions { Ordered = false }, cancellationToken: Ct);

        Assert.Equal(1, result.N);
        var error = Assert.Single(result.WriteErrors);
        Assert.Equal((1, 121, "Document failed validation"), (error.Index, error.Code, error.Message));
        var errInfo = error.Details!["errInfo"].AsDocument;
        Assert.Equal(7, errInfo["failingDocumentId"].AsInt32);
        var details = errInfo["details"].AsDocument;
        Assert.Equal("$jsonSchema", details["operatorName"].AsString);
        Assert.Equal(["fileName", "checksumMD5", "fileSize", "metadata.qualityRating"], NamedFields(details));
        var rating = At(details, "schemaRulesNotSatisfied", 0, "propertiesNotSatisfied", 3, "details", 0, "propertiesNotSatisfied", 0, "details", 0);
        Assert.Equal("maximum", rating["operatorName"].AsString);
        Assert.Equal("comparison failed", rating["reason"].AsString);
        Assert.Equal(11, rating["consideredValue"].AsInt32);
        Assert.Equal(10, rating["specifiedAs"].AsDocument["maximum"].AsInt32);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Update_error_names_missing_and_invalid_fields(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await t.Db.CreateCollectionAsync("photos", new CreateCollectionOptions { Validator = Schema }, cancellationToken: Ct);
        var photos = t.Db.GetCollection("photos");
        Assert.Empty((await photos.InsertAsync([BsonJson.Parse("""{ "_id": 1, "fileName": "a.jpg", "checksumMD5": "0123456789abcdef0123456789abcdef", "metadata": {} }""")], cancellationToken: Ct)).WriteErrors);

        var result = await photos.UpdateAsync([new UpdateStatement
        {
            Filter = new BsonDocument("_id", 1),
            Update = BsonJson.Parse("""{ "$unset": { "fileName": "" }, "$set": { "fileSize": "big" } }"""),
        }], cancellationToken: Ct);

        var error = Assert.Single(result.WriteErrors);
        Assert.Equal(121, error.Code);
        var details = error.Details!["errInfo"].AsDocument["details"];
        Assert.Equal(["fileName", "fileSize"], NamedFields(details));
        var type = At(details, "schemaRulesNotSatisfied", 1, "propertiesNotSatisfied", 0, "details", 0);
        Assert.Equal(("bsonType", "type did not match", "big", "string"), (type["operatorName"].AsString, type["reason"].AsString, type["consideredValue"].AsString, type["consideredType"].AsString));
    }
}
