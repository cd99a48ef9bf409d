using Outpost.Bson;
using Shopfloor.Domain;

namespace Shopfloor.Tests;

/// <summary>The seed's sample documents, as BSON, plus valid departments and projects.</summary>
internal static class Samples
{
    public static readonly DateTime Now = new(2025, 3, 1, 8, 30, 0, DateTimeKind.Utc);

    /// <summary>The seed's "should create and retrieve photo with validation" photo, with the _id the repository adds.</summary>
    public static BsonDocument SeedValidPhoto() => new()
    {
        { "_id", ObjectId.GenerateNewId() },
        { "localPath", "/test/photo.jpg" },
        { "fileName", "test-photo.jpg" },
        { "departmentId", "PAINT" },
        { "projectId", ObjectId.GenerateNewId() },
        { "partId", "PART-001" },
        { "jobNumber", "JOB-2025-001" },
        { "capturedAt", Now },
        { "lastModified", Now },
        { "fileSize", 1048576 },
        { "mimeType", "image/jpeg" },
        { "checksumMD5", "5d41402abc4b2a76b9719d911017c592" },
        { "syncStatus", "pending" },
        { "syncAttempts", 0 },
        { "metadata", new BsonDocument
            {
                { "inspectionType", "quality-check" },
                { "qualityRating", 8 },
                { "defectsFound", new BsonArray() },
                { "deviceInfo", new BsonDocument
                    {
                        { "deviceId", "device-001" },
                        { "model", "Samsung Galaxy" },
                        { "osVersion", "Android 12" },
                        { "appVersion", "1.0.0" },
                        { "cameraSettings", new BsonDocument
                            {
                                { "quality", 100 },
                                { "flash", "auto" },
                                { "resolution", new BsonDocument { { "width", 2048 }, { "height", 2048 } } },
                            }
                        },
                    }
                },
            }
        },
        { "auditTrail", new BsonArray() },
    };

    /// <summary>The seed's "should handle validation errors gracefully" photo.</summary>
    public static BsonDocument SeedInvalidPhoto() => new()
    {
        { "localPath", "/test/photo.jpg" },
        { "fileName", "" },
        { "departmentId", "INVALID_DEPT" },
    };

    /// <summary>A photo with every optional field filled in.</summary>
    public static Photo FullPhoto() => new()
    {
        Id = ObjectId.GenerateNewId(),
        LocalPath = "/data/photos/p1.jpg",
        RemoteUrl = "https://files.example.com/p1.jpg",
        FileName = "p1.jpg",
        DepartmentId = Departments.Paint.Id,
        ProjectId = ObjectId.GenerateNewId(),
        PartId = "PART-001",
        JobNumber = "JOB-2025-001",
        CapturedAt = Now,
        SyncedAt = Now.AddMinutes(5),
        LastModified = Now.AddMinutes(1),
        FileSize = 2_500_000,
        MimeType = "image/jpeg",
        ChecksumMD5 = "5d41402abc4b2a76b9719d911017c592",
        SyncStatus = SyncStatus.Synced,
        SyncAttempts = 2,
        Metadata = new InspectionMetadata
        {
            InspectionType = "paint-finish",
            QualityRating = 7,
            DefectsFound = ["scratch", "orange peel"],
            InspectorNotes = "Minor scratch near the left weld.",
            MachineId = "M-12",
            BatchNumber = "B-2025-07",
            Location = new GeoLocation(47.6062, -122.3321, 4.5),
            DeviceInfo = new DeviceInfo("device-001", "Galaxy Tab S9", "Android 14", "1.2.0",
                new CameraSettings(95, FlashMode.Off, new Resolution(4000, 3000))),
        },
        AuditTrail =
        [
            new AuditEntry(AuditAction.Created, Now, "inspector-7", "device-001"),
            new AuditEntry(AuditAction.Synced, Now.AddMinutes(5), "inspector-7", "device-001", new BsonDocument("attempt", 2)),
        ],
    };

    public static Department Department(DepartmentInfo info) => new()
    {
        Id = info.Id,
        Name = info.Name,
        Code = info.Code,
        SyncPolicy = SyncPolicy.Realtime,
        SyncFrequencyMinutes = 5,
        Settings = new DepartmentSettings
        {
            MaxPhotosPerSession = 50,
            CompressionQuality = 85,
            RequireGpsLocation = true,
            MandatoryFields = ["metadata.qualityRating", "metadata.defectsFound"],
            PhotoRetentionDays = 730,
        },
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    public static Project Project() => new()
    {
        Id = ObjectId.GenerateNewId(),
        JobNumber = "JOB-2025-001",
        Name = "Transit bus shell",
        Client = "Metro Coach",
        Status = ProjectStatus.OnHold,
        Priority = ProjectPriority.High,
        Departments = [Departments.Paint.Id, Departments.QaQc.Id],
        StartDate = Now,
        ExpectedEndDate = Now.AddDays(30),
        ActualEndDate = Now.AddDays(35),
        Parts =
        [
            new ProjectPart { Id = "PART-001", Name = "Roof panel", PartNumber = "RP-100", Description = "Left roof panel", RequiredPhotos = 3, Specifications = new BsonDocument("thicknessMm", 2.5) },
            new ProjectPart { Id = "PART-002", Name = "Door frame", PartNumber = "DF-200" },
        ],
        Metadata = new ProjectMetadata { EstimatedPhotos = 40, ActualPhotos = 3, QualityScore = 8.5, Notes = "Rush order" },
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    /// <summary>Sets a value at a dotted path (creating nothing: the parents must exist).</summary>
    public static BsonDocument With(this BsonDocument doc, string path, BsonValue value)
    {
        var parts = path.Split('.');
        var target = doc;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            target = target[parts[i]].AsDocument;
        }
        target.Set(parts[^1], value);
        return doc;
    }

    /// <summary>Removes the value at a dotted path.</summary>
    public static BsonDocument Without(this BsonDocument doc, string path)
    {
        var parts = path.Split('.');
        var target = doc;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            target = target[parts[i]].AsDocument;
        }
        target.Remove(parts[^1]);
        return doc;
    }
}

/// <summary>Dotted-path reads for assertions.</summary>
internal static class BsonAssertExtensions
{
    public static BsonValue At(this BsonValue value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            value = value is BsonArray a ? a[int.Parse(part, System.Globalization.CultureInfo.InvariantCulture)] : value.AsDocument[part];
        }
        return value;
    }
}
