using Outpost.Bson;
using Outpost.Bson.Serialization;
using Shopfloor.Validation;

namespace Shopfloor.Tests;

/// <summary>
/// The validator documents' shape. Whether the engine's $jsonSchema matcher accepts and rejects the same
/// samples as the C# rules is not tested yet: that matcher (branch query-f) has not landed.
/// </summary>
public sealed class ShopfloorSchemasTests
{
    private readonly ShopfloorSchemas _schemas = new();

    [Fact]
    public void Photos_validator_mirrors_the_rules()
    {
        var schema = _schemas.PhotosValidator()["$jsonSchema"].AsDocument;
        Assert.Equal("object", schema["bsonType"].AsString);
        var required = schema["required"].AsArray.Select(v => v.AsString).ToHashSet();
        Assert.Superset(new HashSet<string> { "_id", "localPath", "fileName", "departmentId", "projectId", "partId", "jobNumber", "capturedAt", "lastModified", "fileSize", "mimeType", "checksumMD5", "syncStatus", "metadata" }, required);
        Assert.DoesNotContain("syncAttempts", required);
        var props = schema["properties"].AsDocument;
        Assert.Equal(Patterns.Md5Hex, props.At("checksumMD5.pattern").AsString);
        Assert.Equal(Patterns.ImageMimeType, props.At("mimeType.pattern").AsString);
        Assert.Equal(0, props.At("fileSize.minimum").AsInt32);
        Assert.True(props.At("fileSize.exclusiveMinimum").AsBoolean);
        var metadata = props.At("metadata.properties").AsDocument;
        Assert.Equal(1, metadata.At("qualityRating.minimum").AsInt32);
        Assert.Equal(10, metadata.At("qualityRating.maximum").AsInt32);
        Assert.Equal(new BsonArray { "object", "binData" }, metadata.At("location.bsonType"));
        Assert.Equal(-90, metadata.At("location.properties.latitude.minimum").AsInt32);
        Assert.Equal(180, metadata.At("location.properties.longitude.maximum").AsInt32);
        Assert.Equal(new BsonArray { "string", "binData" }, metadata.At("inspectorNotes.bsonType"));
        Assert.Equal(5, props.At("syncStatus.enum").AsArray.Count);
    }

    [Fact]
    public void Departments_validator_has_settings_bounds_and_known_triples()
    {
        var schema = _schemas.DepartmentsValidator()["$jsonSchema"].AsDocument;
        var settings = schema.At("properties.settings.properties").AsDocument;
        Assert.Equal(50, settings.At("compressionQuality.minimum").AsInt32);
        Assert.Equal(100, settings.At("compressionQuality.maximum").AsInt32);
        Assert.Equal(5, schema.At("allOf.0.anyOf").AsArray.Count);
    }

    [Fact]
    public void Projects_validator_adds_cross_field_expressions()
    {
        var and = _schemas.ProjectsValidator()["$and"].AsArray;
        Assert.Equal(4, and.Count);
        Assert.True(and[0].AsDocument.Contains("$jsonSchema"));
        Assert.All(and.Skip(1), c => Assert.True(c.AsDocument.Contains("$expr")));
    }

    [Theory]
    [InlineData(ShopfloorSchemas.Photos)]
    [InlineData(ShopfloorSchemas.Departments)]
    [InlineData(ShopfloorSchemas.Projects)]
    public void Create_commands_are_strict_and_serialize(string collection)
    {
        var command = _schemas.CreateCommand(collection);
        Assert.Equal(collection, command["create"].AsString);
        Assert.Equal("strict", command["validationLevel"].AsString);
        Assert.Equal("error", command["validationAction"].AsString);
        var bytes = BsonSerializer.Serialize(command);
        Assert.Equal(command, BsonSerializer.Deserialize(bytes));
    }
}
