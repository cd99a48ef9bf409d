using System.Security.Cryptography;
using Outpost.Bson;
using Shopfloor.Domain;
using Shopfloor.Mapping;

namespace Shopfloor.Demo;

/// <summary>
/// Generated reference data and photos for the demo, the benchmark and tests: the five departments, a few
/// projects, and valid photos with realistic spreads of quality, defects, sync status and capture times.
/// </summary>
public static class DemoData
{
    private static readonly string[] DefectKinds = ["scratch", "dent", "orange peel", "weld porosity", "misalignment", "paint run", "missing fastener"];
    private static readonly string[] InspectionTypes = ["quality-check", "paint-finish", "weld-inspection", "dimensional", "final-assembly"];
    private static readonly string[] SyncStatuses = ["synced", "synced", "synced", "synced", "pending", "syncing", "failed", "conflicted"];

    /// <summary>A department document with the seed's default settings (no GPS requirement, no mandatory fields).</summary>
    public static BsonDocument Department(DepartmentInfo info, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(info);
        return DepartmentMapper.ToBson(new Department
        {
            Id = info.Id,
            Name = info.Name,
            Code = info.Code,
            SyncPolicy = info.Id == Departments.QaQc.Id ? SyncPolicy.Realtime : SyncPolicy.Batch,
            SyncFrequencyMinutes = 15,
            CreatedAt = now,
            UpdatedAt = now,
        });
    }

    /// <summary>A project over some departments with <paramref name="parts"/> parts.</summary>
    public static BsonDocument Project(string jobNumber, string name, string client, IReadOnlyList<string> departments, DateTime start, int parts = 4)
    {
        var list = new List<ProjectPart>();
        for (var i = 1; i <= parts; i++)
        {
            list.Add(new ProjectPart { Id = $"PART-{i:000}", Name = $"Part {i}", PartNumber = $"{jobNumber}-P{i:00}", RequiredPhotos = 2 });
        }
        var doc = ProjectMapper.ToBson(new Project
        {
            Id = ObjectId.GenerateNewId(),
            JobNumber = jobNumber,
            Name = name,
            Client = client,
            Status = ProjectStatus.Active,
            Priority = ProjectPriority.High,
            Departments = departments,
            StartDate = start,
            ExpectedEndDate = start.AddDays(90),
            Parts = list,
            Metadata = new ProjectMetadata { EstimatedPhotos = parts * 10 },
            CreatedAt = start,
            UpdatedAt = start,
        });
        return doc;
    }

    /// <summary>The demo's three projects (every department on each, so every tablet sees them).</summary>
    public static IReadOnlyList<BsonDocument> Projects(DateTime now) =>
    [
        Project("JOB-2025-001", "Transit bus shell", "Metro Transit", Departments.Ids, now.AddDays(-40)),
        Project("JOB-2025-014", "Fire truck cab", "County Fire", Departments.Ids, now.AddDays(-25)),
        Project("JOB-2025-020", "Ambulance body", "Regional Health", Departments.Ids, now.AddDays(-10)),
    ];

    /// <summary>
    /// A valid photo (no <c>_id</c>) of a department and project, captured at <paramref name="capturedAt"/>. Some have
    /// inspector notes and a GPS location (encrypted on the server), about 30% have defects.
    /// </summary>
    public static BsonDocument Photo(Random random, string departmentId, ObjectId projectId, string jobNumber, DateTime capturedAt, string deviceId, int index)
    {
        ArgumentNullException.ThrowIfNull(random);
        var defects = new BsonArray();
        if (random.NextDouble() < 0.3)
        {
            defects.Add(DefectKinds[random.Next(DefectKinds.Length)]);
            if (random.NextDouble() < 0.3)
            {
                defects.Add(DefectKinds[random.Next(DefectKinds.Length)]);
            }
        }
        var quality = defects.Count == 0 ? random.Next(6, 11) : random.Next(1, 8);
        var md5 = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
        var metadata = new BsonDocument
        {
            { "inspectionType", InspectionTypes[random.Next(InspectionTypes.Length)] },
            { "qualityRating", quality },
            { "defectsFound", defects },
            { "machineId", $"M-{random.Next(1, 20):00}" },
            { "batchNumber", $"B-{capturedAt:yyyyMMdd}" },
        };
        if (random.NextDouble() < 0.5)
        {
            metadata.Add("inspectorNotes", defects.Count == 0 ? "Meets spec." : $"Found {defects[0].AsString} near part edge; flagged for rework.");
            metadata.Add("location", new BsonDocument { { "latitude", 47.60 + random.NextDouble() / 100 }, { "longitude", -122.33 + random.NextDouble() / 100 }, { "accuracy", 5.0 } });
        }
        metadata.Add("deviceInfo", new BsonDocument
        {
            { "deviceId", deviceId },
            { "model", "Galaxy Tab S9" },
            { "osVersion", "Android 14" },
            { "appVersion", "1.4.0" },
            { "cameraSettings", new BsonDocument
                {
                    { "quality", 90 },
                    { "flash", "auto" },
                    { "resolution", new BsonDocument { { "width", 4000 }, { "height", 3000 } } },
                }
            },
        });
        var status = SyncStatuses[random.Next(SyncStatuses.Length)];
        var photo = new BsonDocument
        {
            { "localPath", $"/storage/photos/{deviceId}/IMG_{index:00000}.jpg" },
            { "fileName", $"IMG_{index:00000}.jpg" },
            { "departmentId", departmentId },
            { "projectId", projectId },
            { "partId", $"PART-{random.Next(1, 5):000}" },
            { "jobNumber", jobNumber },
            { "capturedAt", capturedAt },
            { "lastModified", capturedAt },
            { "fileSize", random.Next(1_000_000, 6_000_000) },
            { "mimeType", "image/jpeg" },
            { "checksumMD5", md5 },
            { "syncStatus", status },
            { "syncAttempts", status == "synced" ? 1 : random.Next(0, 4) },
            { "metadata", metadata },
        };
        if (status == "synced")
        {
            photo.Add("syncedAt", capturedAt.AddMinutes(random.Next(1, 90)));
        }
        return photo;
    }
}
