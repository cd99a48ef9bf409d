using Outpost;
using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Mapping;
using Shopfloor.Validation;

namespace Shopfloor.Tests;

public sealed class PhotoValidationTests
{
    private readonly PhotoRules _rules = new();

    internal static BsonValue ToBson(object? value) => value switch
    {
        null => BsonNull.Value,
        int i => i,
        long l => l,
        double d => d,
        string s => s,
        bool b => b,
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static BsonDocument PhotoWithLocation() => Samples.SeedValidPhoto().With("metadata.location",
        new BsonDocument { { "latitude", 10.0 }, { "longitude", 20.0 }, { "accuracy", 5.0 } });

    [Fact]
    public void Seed_valid_photo_passes()
    {
        var result = _rules.Validate(Samples.SeedValidPhoto());
        Assert.True(result.IsValid, result.ToString());
    }

    [Fact]
    public void Seed_invalid_photo_fails_naming_every_violated_field()
    {
        var result = _rules.Validate(Samples.SeedInvalidPhoto());

        var expected = new (string Path, string Rule)[]
        {
            ("_id", RuleNames.Required),
            ("fileName", RuleNames.MinLength),
            ("departmentId", RuleNames.Enum),
            ("projectId", RuleNames.Required),
            ("partId", RuleNames.Required),
            ("jobNumber", RuleNames.Required),
            ("capturedAt", RuleNames.Required),
            ("lastModified", RuleNames.Required),
            ("fileSize", RuleNames.Required),
            ("mimeType", RuleNames.Required),
            ("checksumMD5", RuleNames.Required),
            ("syncStatus", RuleNames.Required),
            ("metadata", RuleNames.Required),
        };
        Assert.Equal(expected.OrderBy(e => e.Path), result.Violations.Select(v => (v.Path, v.Rule)).OrderBy(e => e.Path));
    }

    [Fact]
    public void ThrowIfInvalid_raises_DocumentValidationFailure_listing_the_fields()
    {
        var ex = Assert.Throws<MongoException>(() => _rules.Validate(Samples.SeedInvalidPhoto()).ThrowIfInvalid("photos"));
        Assert.Equal(ErrorCodes.DocumentValidationFailure, ex.Code);
        Assert.Contains("fileName", ex.Message);
        Assert.Contains(ex.Details, d => d.Key == "departmentId");
    }

    [Fact]
    public void Full_photo_maps_to_valid_bson_and_back()
    {
        var photo = Samples.FullPhoto();
        var bson = PhotoMapper.ToBson(photo);
        Assert.True(_rules.Validate(bson).IsValid, _rules.Validate(bson).ToString());
        var back = PhotoMapper.FromBson(bson);
        Assert.Equal(bson, PhotoMapper.ToBson(back));
        Assert.Equal(photo.Metadata.Location, back.Metadata.Location);
        Assert.Equal(photo.CapturedAt, back.CapturedAt);
        Assert.Equal("synced", bson["syncStatus"].AsString);
        Assert.Equal("off", bson.At("metadata.deviceInfo.cameraSettings.flash").AsString);
    }

    [Fact]
    public void Mapper_reads_defaults_when_defaulted_fields_are_absent()
    {
        var doc = Samples.SeedValidPhoto().Without("syncAttempts").Without("auditTrail").Without("metadata.defectsFound");
        Assert.True(_rules.Validate(doc).IsValid);
        var photo = PhotoMapper.FromBson(doc);
        Assert.Equal(0, photo.SyncAttempts);
        Assert.Empty(photo.AuditTrail);
        Assert.Empty(photo.Metadata.DefectsFound);
    }

    [Theory]
    [InlineData("metadata.qualityRating", 0, false, RuleNames.Minimum)]
    [InlineData("metadata.qualityRating", 1, true, null)]
    [InlineData("metadata.qualityRating", 10, true, null)]
    [InlineData("metadata.qualityRating", 11, false, RuleNames.Maximum)]
    [InlineData("metadata.qualityRating", 5.5, false, RuleNames.BsonType)]
    [InlineData("metadata.qualityRating", "8", false, RuleNames.BsonType)]
    [InlineData("fileSize", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("fileSize", -1, false, RuleNames.Minimum)]
    [InlineData("fileSize", 1, true, null)]
    [InlineData("fileSize", 6_000_000_000L, true, null)]
    [InlineData("mimeType", "image/jpeg", true, null)]
    [InlineData("mimeType", "image/svg+xml", true, null)]
    [InlineData("mimeType", "image/", false, RuleNames.Pattern)]
    [InlineData("mimeType", "text/plain", false, RuleNames.Pattern)]
    [InlineData("mimeType", "IMAGE/JPEG", false, RuleNames.Pattern)]
    [InlineData("checksumMD5", "5D41402ABC4B2A76B9719D911017C592", true, null)]
    [InlineData("checksumMD5", "5d41402abc4b2a76b9719d911017c59", false, RuleNames.MinLength)]
    [InlineData("checksumMD5", "5d41402abc4b2a76b9719d911017c5922", false, RuleNames.MaxLength)]
    [InlineData("checksumMD5", "zd41402abc4b2a76b9719d911017c592", false, RuleNames.Pattern)]
    [InlineData("syncStatus", "syncing", true, null)]
    [InlineData("syncStatus", "conflicted", true, null)]
    [InlineData("syncStatus", "done", false, RuleNames.Enum)]
    [InlineData("syncAttempts", -1, false, RuleNames.Minimum)]
    [InlineData("syncAttempts", 0, true, null)]
    [InlineData("localPath", "", false, RuleNames.MinLength)]
    [InlineData("localPath", "/a", true, null)]
    [InlineData("fileName", "a", true, null)]
    [InlineData("partId", "", false, RuleNames.MinLength)]
    [InlineData("jobNumber", "", false, RuleNames.MinLength)]
    [InlineData("jobNumber", "job-1", false, RuleNames.Pattern)]
    [InlineData("jobNumber", "JOB--1", false, RuleNames.Pattern)]
    [InlineData("jobNumber", "PERF-TEST-001", true, null)]
    [InlineData("departmentId", "STRUCTURAL", true, null)]
    [InlineData("departmentId", "QA", true, null)]
    [InlineData("departmentId", "paint", false, RuleNames.Enum)]
    [InlineData("remoteUrl", "https://files.example.com/p.jpg", true, null)]
    [InlineData("remoteUrl", "not a url", false, RuleNames.Pattern)]
    [InlineData("remoteUrl", "ftp://files.example.com/p.jpg", false, RuleNames.Pattern)]
    [InlineData("remoteUrl", null, false, RuleNames.BsonType)]
    [InlineData("capturedAt", "2025-01-01", false, RuleNames.BsonType)]
    [InlineData("metadata.inspectionType", "", false, RuleNames.MinLength)]
    [InlineData("metadata.inspectorNotes", "ok", true, null)]
    [InlineData("metadata.deviceInfo.cameraSettings.quality", -1, false, RuleNames.Minimum)]
    [InlineData("metadata.deviceInfo.cameraSettings.quality", 0, true, null)]
    [InlineData("metadata.deviceInfo.cameraSettings.quality", 100, true, null)]
    [InlineData("metadata.deviceInfo.cameraSettings.quality", 101, false, RuleNames.Maximum)]
    [InlineData("metadata.deviceInfo.cameraSettings.flash", "on", true, null)]
    [InlineData("metadata.deviceInfo.cameraSettings.flash", "strobe", false, RuleNames.Enum)]
    [InlineData("metadata.deviceInfo.cameraSettings.resolution.width", 0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("metadata.deviceInfo.cameraSettings.resolution.height", 1, true, null)]
    [InlineData("metadata.deviceInfo.deviceId", "", false, RuleNames.MinLength)]
    [InlineData("metadata.location.latitude", -90.0, true, null)]
    [InlineData("metadata.location.latitude", 90.0, true, null)]
    [InlineData("metadata.location.latitude", -90.0001, false, RuleNames.Minimum)]
    [InlineData("metadata.location.latitude", 90.0001, false, RuleNames.Maximum)]
    [InlineData("metadata.location.longitude", -180.0, true, null)]
    [InlineData("metadata.location.longitude", 180.0, true, null)]
    [InlineData("metadata.location.longitude", -180.0001, false, RuleNames.Minimum)]
    [InlineData("metadata.location.longitude", 180.0001, false, RuleNames.Maximum)]
    [InlineData("metadata.location.accuracy", 0.0, false, RuleNames.ExclusiveMinimum)]
    [InlineData("metadata.location.accuracy", 0.1, true, null)]
    public void Boundary(string path, object? value, bool valid, string? rule)
    {
        var doc = PhotoWithLocation().With(path, ToBson(value));
        var result = _rules.Validate(doc);
        Assert.Equal(valid, result.IsValid);
        if (!valid)
        {
            Assert.All(result.Violations, v => Assert.Equal(path, v.Path));
            Assert.Contains(result.Violations, v => v.Rule == rule);
        }
    }

    [Fact]
    public void Nan_latitude_is_rejected()
    {
        var result = _rules.Validate(PhotoWithLocation().With("metadata.location.latitude", double.NaN));
        Assert.True(result.HasViolationAt("metadata.location.latitude"));
    }

    [Fact]
    public void Location_without_latitude_and_longitude_names_both()
    {
        var result = _rules.Validate(Samples.SeedValidPhoto().With("metadata.location", new BsonDocument()));
        Assert.True(result.HasViolationAt("metadata.location.latitude"));
        Assert.True(result.HasViolationAt("metadata.location.longitude"));
    }

    [Fact]
    public void Defects_and_audit_trail_items_are_checked_by_index()
    {
        var doc = Samples.SeedValidPhoto()
            .With("metadata.defectsFound", new BsonArray { "scratch", "" , 3 })
            .With("auditTrail", new BsonArray
            {
                new BsonDocument { { "action", "created" }, { "timestamp", Samples.Now }, { "userId", "u" }, { "deviceId", "d" } },
                new BsonDocument { { "action", "exploded" }, { "timestamp", "yesterday" }, { "userId", "u" }, { "details", "x" } },
            });
        var result = _rules.Validate(doc);
        Assert.Equal(
            new[] { "auditTrail.1.action", "auditTrail.1.details", "auditTrail.1.deviceId", "auditTrail.1.timestamp", "metadata.defectsFound.1", "metadata.defectsFound.2" },
            result.Violations.Select(v => v.Path).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public void Missing_nested_required_fields_are_named_with_their_full_path()
    {
        var doc = Samples.SeedValidPhoto().Without("metadata.deviceInfo.cameraSettings.resolution").Without("metadata.inspectionType");
        var result = _rules.Validate(doc);
        Assert.Equal(new[] { "metadata.deviceInfo.cameraSettings.resolution", "metadata.inspectionType" },
            result.Violations.Select(v => v.Path).Order(StringComparer.Ordinal).ToArray());
        Assert.All(result.Violations, v => Assert.Equal(RuleNames.Required, v.Rule));
    }

    [Fact]
    public void Encrypted_form_of_protected_fields_is_accepted_and_other_binaries_are_not()
    {
        var envelope = new byte[2 + 2 + 12 + 16 + 5];
        envelope[0] = 1;
        envelope[1] = 2;
        var ok = Samples.SeedValidPhoto()
            .With("metadata.location", new BsonBinary(envelope, BsonBinarySubType.Encrypted))
            .With("metadata.inspectorNotes", new BsonBinary(envelope, BsonBinarySubType.Encrypted));
        Assert.True(_rules.Validate(ok).IsValid);

        var bad = Samples.SeedValidPhoto().With("metadata.location", new BsonBinary(envelope, BsonBinarySubType.Binary));
        Assert.Equal(RuleNames.Encrypted, Assert.Single(_rules.Validate(bad).Violations).Rule);
    }

    [Fact]
    public void Capture_check_applies_department_gps_and_mandatory_fields()
    {
        var department = Samples.Department(Departments.Paint);
        var result = _rules.ValidateForCapture(Samples.SeedValidPhoto(), department);
        Assert.Equal(new[] { ("metadata.defectsFound", RuleNames.MandatoryField), ("metadata.location", RuleNames.GpsRequired) },
            result.Violations.Select(v => (v.Path, v.Rule)).Order().ToArray());

        var fixedPhoto = PhotoWithLocation().With("metadata.defectsFound", new BsonArray { "scratch" });
        Assert.True(_rules.ValidateForCapture(fixedPhoto, department).IsValid);
    }

    [Fact]
    public void Capture_check_refuses_a_photo_for_another_department_or_project()
    {
        var department = Samples.Department(Departments.ZLine) with { Settings = new DepartmentSettings() };
        var project = Samples.Project();
        var photo = Samples.SeedValidPhoto().With("partId", "PART-999");
        var result = _rules.ValidateForCapture(photo, department, project);
        Assert.Equal(new[] { "departmentId", "partId", "projectId" }, result.Violations.Select(v => v.Path).Distinct().Order().ToArray());
        Assert.All(result.Violations, v => Assert.Equal(RuleNames.ProjectReference, v.Rule));
    }

    [Fact]
    public void Field_paths_list_covers_nested_fields()
    {
        Assert.Contains("metadata.deviceInfo.cameraSettings.resolution.width", _rules.FieldPaths);
        Assert.Contains("metadata.location.latitude", _rules.FieldPaths);
        Assert.Contains("checksumMD5", _rules.FieldPaths);
    }
}
