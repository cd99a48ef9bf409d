using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Validation;

namespace Shopfloor.Server;

/// <summary>
/// Start-up: creates the three validated collections with the <see cref="ShopfloorSchemas"/> validators (or
/// refreshes the validator with collMod when the collection exists, so a new rule reaches old databases), the
/// security collections, and the seed's index set. The validators live in the engine, so REST, wire and sync
/// writes are all checked.
/// </summary>
public static class ShopfloorDatabaseSetup
{
    /// <summary>Idempotent; safe on every start.</summary>
    public static async Task EnsureAsync(Database database, ShopfloorSchemas schemas, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(schemas);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        foreach (var info in await database.ListCollectionsAsync(nameOnly: true, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            existing.Add(info["name"].AsString);
        }
        foreach (var name in new[] { CollectionNames.Departments, CollectionNames.Projects, CollectionNames.Photos })
        {
            var create = schemas.CreateCommand(name);
            if (name == CollectionNames.Photos)
            {
                // Pre-images tell the dashboard rollups which day an updated or deleted photo used to count in.
                create.Set("changeStreamPreAndPostImages", new BsonDocument("enabled", true));
            }
            if (existing.Contains(name))
            {
                var collMod = new BsonDocument
                {
                    { "collMod", name },
                    { "validator", create["validator"] },
                    { "validationLevel", create["validationLevel"] },
                    { "validationAction", create["validationAction"] },
                };
                if (create.TryGetValue("changeStreamPreAndPostImages", out var images))
                {
                    collMod.Add("changeStreamPreAndPostImages", images);
                }
                await database.CollModAsync(name, collMod, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await database.CreateCollectionAsync(name, CreateCollectionOptions.FromCommand(create), cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        foreach (var name in new[] { CollectionNames.DeviceSessions, CollectionNames.DepartmentAuth, CollectionNames.SignInLockouts, CollectionNames.SyncEvents, CollectionNames.SchemaVersions })
        {
            if (!existing.Contains(name))
            {
                try
                {
                    await database.CreateCollectionAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                catch (MongoException e) when (e.Code == ErrorCodes.NamespaceExists)
                {
                    // Another process created it between the listing and now.
                }
            }
        }
        foreach (var (collection, indexes) in ShopfloorIndexes.All)
        {
            await database.GetCollection(collection).CreateIndexesAsync(indexes, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
