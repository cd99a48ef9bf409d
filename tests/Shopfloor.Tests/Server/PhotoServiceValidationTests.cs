using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Demo;
using Shopfloor.Security;
using Shopfloor.Server;
using Shopfloor.Validation;

namespace Shopfloor.Tests.Server;

/// <summary>
/// <see cref="PhotoService"/> validates a write once (decision 025): the photos collection validator checks the stored
/// form and its errInfo is mapped back to field-named violations; the service itself checks only the clear text of the
/// fields it encrypts (which the validator sees as ciphertext). Either way the 121 names every violated field.
/// </summary>
public sealed class PhotoServiceValidationTests() : ShopfloorServicesTestBase("validate")
{
    private static readonly DateTime Year = new(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly DevicePrincipal _qa = new("tablet-q", "QA", "QAC", Permissions.ForDepartment("QA"), "s1");

    private static BsonDocument NewPhoto() => DemoData.Photo(new Random(3), "QA", ObjectId.GenerateNewId(), "JOB-VAL", Year, "tablet-q", 1);

    private static List<(string Path, string Rule)> Named(MongoException ex) =>
        ex.Details.Select(d => (d.Key, d.Value as string ?? "")).Order().ToList();

    private async Task<long> CountAsync() => await Engine.GetDatabase("shopfloor").GetCollection(CollectionNames.Photos).CountAsync(cancellationToken: Ct);

    [Fact]
    public async Task Create_refused_by_the_collection_validator_names_every_field_from_errInfo()
    {
        var photo = NewPhoto();
        photo.Set("mimeType", "text/plain").Set("checksumMD5", "not-an-md5").Set("fileSize", 0);
        photo["metadata"].AsDocument.Set("qualityRating", 11);

        var ex = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.CreateAsync(_qa, photo, Ct));

        Assert.Equal(ErrorCodes.DocumentValidationFailure, ex.Code);
        Assert.Equal(
            new List<(string, string)>
            {
                ("checksumMD5", RuleNames.MinLength), ("checksumMD5", RuleNames.Pattern), ("fileSize", RuleNames.ExclusiveMinimum),
                ("metadata.qualityRating", RuleNames.Maximum), ("mimeType", RuleNames.Pattern),
            },
            Named(ex));
        Assert.Contains("mimeType", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Clear_text_of_an_encrypted_field_is_checked_before_encryption()
    {
        var photo = NewPhoto();
        photo["metadata"].AsDocument.Set("inspectorNotes", new string('n', 10_001)).Set("location", new BsonDocument { { "latitude", 91.0 }, { "longitude", 0.0 } });

        var ex = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.CreateAsync(_qa, photo, Ct));

        Assert.Equal(ErrorCodes.DocumentValidationFailure, ex.Code);
        Assert.Equal(new List<(string, string)> { ("metadata.inspectorNotes", RuleNames.MaxLength), ("metadata.location.latitude", RuleNames.Maximum) }, Named(ex));
        Assert.Equal(0, await CountAsync());
    }

    [Fact]
    public async Task Update_refused_by_the_collection_validator_names_the_fields()
    {
        var created = await Services.Photos.CreateAsync(_qa, NewPhoto(), Ct);
        var id = created["_id"].AsObjectId;

        var ex = await Assert.ThrowsAsync<MongoException>(() => Services.Photos.UpdateAsync(_qa, id, new BsonDocument { { "fileName", "" }, { "syncStatus", "done" } }, Ct));

        Assert.Equal(ErrorCodes.DocumentValidationFailure, ex.Code);
        Assert.Equal(new List<(string, string)> { ("fileName", RuleNames.MinLength), ("syncStatus", RuleNames.Enum) }, Named(ex));
        var stored = await Services.Photos.GetAsync(_qa, id, Ct);
        Assert.Equal(created["fileName"], stored!["fileName"]);
    }
}
