using Outpost.Bson;

namespace Outpost.Benchmarks;

/// <summary>A ~2 KB document shaped like the Shopfloor seed's PhotoMetadata (file info, context, quality, device, audit trail).</summary>
public static class PhotoMetadataSample
{
    public static BsonDocument Create()
    {
        var captured = new DateTime(2024, 3, 14, 9, 26, 53, DateTimeKind.Utc);
        var audit = new BsonArray();
        string[] actions = ["created", "updated", "synced", "updated"];
        for (int i = 0; i < actions.Length; i++)
        {
            audit.Add(new BsonDocument
            {
                { "action", actions[i] },
                { "timestamp", captured.AddMinutes(i * 7) },
                { "userId", "user-4711" },
                { "deviceId", "tablet-line3-07" },
                { "details", new BsonDocument { { "field", "metadata.qualityRating" }, { "from", 6 + i }, { "to", 7 + i } } },
            });
        }

        return new BsonDocument
        {
            { "_id", "photo_2024-03-14_line3_000123" },
            { "localPath", "/data/user/0/com.outpost.shopfloor/files/photos/2024/03/14/IMG_20240314_092653.jpg" },
            { "remoteUrl", "https://files.example.com/photos/2024/03/14/IMG_20240314_092653.jpg" },
            { "fileName", "IMG_20240314_092653.jpg" },
            { "departmentId", "dept_paint" },
            { "projectId", "proj_J24-0815" },
            { "partId", "part_PNL-3310-A" },
            { "jobNumber", "J24-0815" },
            { "capturedAt", captured },
            { "syncedAt", captured.AddMinutes(3) },
            { "lastModified", captured.AddMinutes(21) },
            { "fileSize", 3_482_113 },
            { "mimeType", "image/jpeg" },
            { "checksumMD5", "9e107d9d372bb6826bd81d3542a419d6" },
            { "syncStatus", "synced" },
            { "syncAttempts", 1 },
            {
                "metadata", new BsonDocument
                {
                    { "inspectionType", "final-paint-inspection" },
                    { "qualityRating", 8 },
                    { "defectsFound", new BsonArray { "orange-peel", "run", "dust-nib", "thin-coverage-edge" } },
                    { "inspectorNotes", "Minor orange peel on lower left panel edge; run near mounting hole B. Acceptable after polish." },
                    { "machineId", "paint-booth-2" },
                    { "batchNumber", "B-2024-03-0142" },
                    { "location", new BsonDocument { { "latitude", 47.376887 }, { "longitude", 8.541694 }, { "accuracy", 4.5 } } },
                    {
                        "deviceInfo", new BsonDocument
                        {
                            { "deviceId", "tablet-line3-07" },
                            { "model", "Galaxy Tab Active4 Pro" },
                            { "osVersion", "Android 14" },
                            { "appVersion", "2.8.1+build.512" },
                            {
                                "cameraSettings", new BsonDocument
                                {
                                    { "quality", 92 },
                                    { "flash", "auto" },
                                    { "resolution", new BsonDocument { { "width", 4000 }, { "height", 3000 } } },
                                }
                            },
                        }
                    },
                }
            },
            { "auditTrail", audit },
        };
    }
}
