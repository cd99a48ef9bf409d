using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Server;

/// <summary>
/// The seed's index set (its MongoIndexManager.createOptimalIndexes), created at start-up. Deviations, on purpose:
/// the seed creates <c>{jobNumber: 1}</c> twice (plain, then unique), which MongoDB refuses (85 IndexOptionsConflict),
/// so only the unique one is kept; its <c>{createdAt: 1}</c> "TTL" has no expireAfterSeconds and stays a plain index
/// (photos are kept per department retention, not a global TTL); its sync_events <c>{timestamp: 1}</c> TTL index
/// is kept beside <c>{timestamp: -1}</c>. Device sessions get a TTL index on <c>expiresAt</c>.
/// The seed's <c>{'metadata.location': '2dsphere'}</c> is left out: a 2dsphere index refuses (16755, as MongoDB does)
/// every document whose field is not geometry, and the stored location is neither GeoJSON nor a legacy pair in
/// longitude-first order (the seed stores <c>{latitude, longitude}</c>) — and at rest it is ciphertext anyway
/// (decision 010), so no photo with a location could be written. Geo queries on photo locations need a
/// separate, deliberately unencrypted GeoJSON field.
/// </summary>
public static class ShopfloorIndexes
{
    /// <summary>Photos: department, project, sync, part, file, geo, text, created and the compound query index.</summary>
    public static IReadOnlyList<IndexModel> Photos { get; } =
    [
        Index(new BsonDocument { { "departmentId", 1 }, { "capturedAt", -1 } }),
        Index(new BsonDocument { { "projectId", 1 }, { "capturedAt", -1 } }),
        Index(new BsonDocument { { "syncStatus", 1 }, { "lastModified", -1 } }),
        Index(new BsonDocument { { "partId", 1 }, { "capturedAt", -1 } }),
        Index(new BsonDocument("fileName", 1)),
        Index(new BsonDocument("checksumMD5", 1)),
        Index(new BsonDocument { { "metadata.inspectorNotes", "text" }, { "metadata.defectsFound", "text" }, { "fileName", "text" } }, "photo_text"),
        Index(new BsonDocument("createdAt", 1)),
        Index(new BsonDocument { { "departmentId", 1 }, { "projectId", 1 }, { "syncStatus", 1 }, { "capturedAt", -1 } }),
    ];

    /// <summary>Projects: unique job number, status, departments (multikey), client, expected end.</summary>
    public static IReadOnlyList<IndexModel> Projects { get; } =
    [
        new IndexModel { Keys = new BsonDocument("jobNumber", 1), Name = "jobNumber_1", Unique = true },
        Index(new BsonDocument { { "status", 1 }, { "startDate", -1 } }),
        Index(new BsonDocument("departments", 1)),
        Index(new BsonDocument { { "client", 1 }, { "startDate", -1 } }),
        Index(new BsonDocument("expectedEndDate", 1)),
    ];

    /// <summary>Departments: the seed does not list them; codes are unique (sign-in looks them up).</summary>
    public static IReadOnlyList<IndexModel> Departments { get; } =
    [
        new IndexModel { Keys = new BsonDocument("code", 1), Name = "code_1", Unique = true },
    ];

    /// <summary>Sync events: the seed's four plus its 7-day TTL.</summary>
    public static IReadOnlyList<IndexModel> SyncEvents { get; } =
    [
        Index(new BsonDocument("timestamp", -1)),
        Index(new BsonDocument { { "collection", 1 }, { "timestamp", -1 } }),
        Index(new BsonDocument { { "documentId", 1 }, { "timestamp", -1 } }),
        Index(new BsonDocument { { "deviceId", 1 }, { "timestamp", -1 } }),
        new IndexModel { Keys = new BsonDocument("timestamp", 1), Name = "timestamp_1", ExpireAfterSeconds = 7 * 24 * 60 * 60 },
    ];

    /// <summary>Device sessions: expire at <c>expiresAt</c> (TTL 0), and revoke-by-device.</summary>
    public static IReadOnlyList<IndexModel> DeviceSessions { get; } =
    [
        new IndexModel { Keys = new BsonDocument("expiresAt", 1), Name = "expiresAt_1", ExpireAfterSeconds = 0 },
        Index(new BsonDocument("deviceId", 1)),
    ];

    /// <summary>Every collection with its index list.</summary>
    public static IReadOnlyList<(string Collection, IReadOnlyList<IndexModel> Indexes)> All { get; } =
    [
        (CollectionNames.Photos, Photos),
        (CollectionNames.Projects, Projects),
        (CollectionNames.Departments, Departments),
        (CollectionNames.SyncEvents, SyncEvents),
        (CollectionNames.DeviceSessions, DeviceSessions),
    ];

    private static IndexModel Index(BsonDocument keys, string? name = null) => new() { Keys = keys, Name = name ?? IndexModel.DefaultName(keys) };
}
