using Outpost.Bson;
using Outpost.Engine.Client;

namespace Outpost.Engine.Tests.Client;

public sealed class BsonMapperTests
{
    private static Photo Sample() => new()
    {
        Id = ObjectId.GenerateNewId(),
        Title = "weld",
        Size = 1200,
        Views = 5_000_000_000,
        Score = 0.5,
        Price = 12.345m,
        IsPublic = true,
        Status = PhotoStatus.Approved,
        TakenAt = new DateTime(2024, 3, 1, 12, 30, 15, 123, DateTimeKind.Utc),
        EditedAt = new DateTimeOffset(2024, 3, 2, 8, 0, 0, TimeSpan.FromHours(2)),
        DeviceId = Guid.NewGuid(),
        Rating = null,
        Tags = ["a", "b"],
        Dimensions = [640, 480],
        Exif = new() { ["iso"] = 200, ["f"] = 2.8 },
        Location = new Address { City = "Lyon", Zip = null },
        Author = "ada",
        Cached = "not stored",
    };

    [Fact]
    public void Class_maps_by_convention_with_id_first_and_attributes()
    {
        var mapper = new BsonMapper();
        var photo = Sample();
        var doc = mapper.ToDocument(photo);

        Assert.Equal("_id", doc.GetElement(0).Name);
        Assert.Equal(photo.Id, doc["_id"].AsObjectId);
        Assert.Equal("weld", doc["Title"].AsString);
        Assert.Equal(5_000_000_000, doc["Views"].AsInt64);
        Assert.IsType<BsonDecimal128>(doc["Price"]);
        Assert.Equal(1, doc["Status"].AsInt32); // numbers unless EnumsAsStrings
        Assert.Equal(new DateTimeOffset(photo.TakenAt).ToUnixTimeMilliseconds(), doc["TakenAt"].AsDateTime.MillisecondsSinceEpoch);
        Assert.Equal(BsonBinarySubType.UuidStandard, doc["DeviceId"].AsBinary.SubType);
        Assert.True(doc["Rating"].IsNull);
        Assert.Equal(2, doc["Tags"].AsArray.Count);
        Assert.Equal(2.8, doc["Exif"].AsDocument["f"].AsDouble);
        Assert.Equal("Lyon", doc["Location"].AsDocument["City"].AsString);
        Assert.Equal("ada", doc["by"].AsString);
        Assert.False(doc.Contains("Author"));
        Assert.False(doc.Contains("Cached"));
    }

    [Fact]
    public void Round_trip_preserves_every_supported_type()
    {
        var mapper = new BsonMapper();
        var photo = Sample();
        var back = mapper.FromDocument<Photo>(BsonDocument.Parse(mapper.ToDocument(photo).ToJson()));

        Assert.Equal(photo.Id, back.Id);
        Assert.Equal(photo.Views, back.Views);
        Assert.Equal(photo.Price, back.Price);
        Assert.Equal(photo.Status, back.Status);
        Assert.Equal(photo.TakenAt, back.TakenAt);
        Assert.Equal(DateTimeKind.Utc, back.TakenAt.Kind);
        Assert.Equal(photo.EditedAt!.Value.UtcDateTime, back.EditedAt!.Value.UtcDateTime);
        Assert.Equal(photo.DeviceId, back.DeviceId);
        Assert.Null(back.Rating);
        Assert.Equal(photo.Tags, back.Tags);
        Assert.Equal(photo.Dimensions, back.Dimensions);
        Assert.Equal(photo.Exif, back.Exif);
        Assert.Equal("Lyon", back.Location!.City);
        Assert.Equal("ada", back.Author);
        Assert.Equal("", back.Cached);
    }

    [Fact]
    public void CamelCase_and_enum_strings_are_options()
    {
        var mapper = new BsonMapper(new BsonMapperOptions { CamelCaseElementNames = true, EnumsAsStrings = true });
        var doc = mapper.ToDocument(Sample());
        Assert.Equal("Approved", doc["status"].AsString);
        Assert.True(doc.Contains("takenAt"));
        Assert.True(doc.Contains("by")); // an explicit name wins over the convention
        Assert.Equal("Lyon", doc["location"].AsDocument["city"].AsString);
        Assert.Equal(PhotoStatus.Approved, mapper.FromDocument<Photo>(doc).Status);
    }

    [Fact]
    public void Records_are_built_through_their_constructor_and_extra_elements_ignored()
    {
        var mapper = new BsonMapper();
        var doc = BsonDocument.Parse("{ _id: 'p1', Name: 'Ada', Age: 36, Status: 2, Nicknames: ['a'], Unknown: true }");
        var person = mapper.FromDocument<Person>(doc);
        Assert.Equal(new Person("p1", "Ada", 36, PhotoStatus.Rejected, person.Nicknames), person);
        Assert.Equal(["a"], person.Nicknames);

        var missing = mapper.FromDocument<Person>(BsonDocument.Parse("{ _id: 'p2', Name: 'Bob' }"));
        Assert.Equal(0, missing.Age);
        Assert.Null(missing.Nicknames);
    }

    [Fact]
    public void Ids_are_generated_for_empty_ObjectId_string_and_Guid_but_not_int()
    {
        var mapper = new BsonMapper();
        var photo = new Photo();
        Assert.True(mapper.AssignIdIfMissing(photo));
        Assert.NotEqual(ObjectId.Empty, photo.Id);

        var keyed = new Keyed { Number = 0 };
        Assert.False(mapper.AssignIdIfMissing(keyed));
        Assert.Equal(0, mapper.ToDocument(keyed)["_id"].AsInt32);
        Assert.Equal("_id", mapper.ToDocument(keyed).GetElement(0).Name);
    }

    [Fact]
    public void Numbers_read_tolerantly_across_bson_numeric_types()
    {
        var mapper = new BsonMapper();
        var doc = BsonDocument.Parse("{ Size: { $numberLong: '7' }, Views: 3, Score: 2, Price: 1.5 }");
        var photo = mapper.FromDocument<Photo>(doc);
        Assert.Equal(7, photo.Size);
        Assert.Equal(3, photo.Views);
        Assert.Equal(2.0, photo.Score);
        Assert.Equal(1.5m, photo.Price);
    }
}
