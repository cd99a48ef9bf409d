using Outpost.Bson;
using Shopfloor.Server;

namespace Shopfloor.Migrations;

/// <summary>
/// The seed's MongoMigrationManager migrations v1–v4, each with a down step the seed lacked. Where the seed used
/// the clock or per-document code, the definition uses server-side operators (<c>$currentDate</c>, a pipeline
/// update), so the definition — and with it the checksum — is fixed data.
/// </summary>
public static class ShopfloorMigrations
{
    /// <summary>All migrations, ascending.</summary>
    public static IReadOnlyList<Migration> All { get; } =
    [
        new Migration(1, "Add sync status and attempts fields",
            up: [new UpdateManyStep(CollectionNames.Photos, new BsonDocument("syncStatus", new BsonDocument("$exists", false)), new BsonDocument
            {
                { "$set", new BsonDocument { { "syncStatus", "pending" }, { "syncAttempts", 0 } } },
                { "$currentDate", new BsonDocument("lastModified", true) },
            })],
            down: [new RevertUpdateStep(CollectionNames.Photos, new BsonDocument("$unset", new BsonDocument { { "syncStatus", "" }, { "syncAttempts", "" } }), upStep: 0)]),

        new Migration(2, "Add department-specific settings",
            up: [new UpdateManyStep(CollectionNames.Departments, new BsonDocument("settings", new BsonDocument("$exists", false)), new BsonDocument("$set", new BsonDocument("settings", new BsonDocument
            {
                { "maxPhotosPerSession", 100 },
                { "compressionQuality", 90 },
                { "requireGPSLocation", false },
                { "mandatoryFields", new BsonArray() },
                { "photoRetentionDays", 365 },
            })))],
            down: [new RevertUpdateStep(CollectionNames.Departments, new BsonDocument("$unset", new BsonDocument("settings", "")), upStep: 0)]),

        new Migration(3, "Add audit trail to photos",
            up: [new UpdateManyStep(CollectionNames.Photos, new BsonDocument("auditTrail", new BsonDocument("$exists", false)), new BsonArray
            {
                new BsonDocument("$set", new BsonDocument("auditTrail", new BsonArray
                {
                    new BsonDocument
                    {
                        { "action", "created" },
                        { "timestamp", new BsonDocument("$ifNull", new BsonArray { "$capturedAt", "$createdAt" }) },
                        { "userId", new BsonDocument("$ifNull", new BsonArray { "$metadata.deviceInfo.deviceId", "unknown" }) },
                        { "deviceId", new BsonDocument("$ifNull", new BsonArray { "$metadata.deviceInfo.deviceId", "unknown" }) },
                        { "details", new BsonDocument { { "migrated", true }, { "originalCreatedAt", "$createdAt" } } },
                    },
                })),
            })],
            down: [new RevertUpdateStep(CollectionNames.Photos, new BsonDocument("$unset", new BsonDocument("auditTrail", "")), upStep: 0)]),

        Indexes(),
    ];

    private static Migration Indexes()
    {
        var byDepartment = new CreateIndexStep(CollectionNames.Photos, new BsonDocument { { "departmentId", 1 }, { "capturedAt", -1 } });
        var byProject = new CreateIndexStep(CollectionNames.Photos, new BsonDocument { { "projectId", 1 }, { "syncStatus", 1 } });
        return new Migration(4, "Create compound indexes for performance",
            up: [byDepartment, byProject],
            down: [new DropCreatedIndexStep(CollectionNames.Photos, byProject.Name, upStep: 1), new DropCreatedIndexStep(CollectionNames.Photos, byDepartment.Name, upStep: 0)]);
    }
}
