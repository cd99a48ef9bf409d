using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Server;

namespace Shopfloor.Migrations;

/// <summary>
/// updateMany in the migration's transaction. Going up it first reads the ids the filter selects and updates
/// exactly those (memo = the id list), so the down step can revert the same documents and no others. Validation is
/// bypassed: a migration moves data between schema versions, and the collection validator knows only the newest.
/// </summary>
public sealed class UpdateManyStep(string collection, BsonDocument filter, BsonValue update) : MigrationStep
{
    /// <inheritdoc/>
    public override BsonDocument Definition => new()
    {
        { "op", "updateMany" },
        { "collection", collection },
        { "filter", filter },
        { "update", update },
    };

    /// <inheritdoc/>
    public override async Task<BsonValue> RunAsync(MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var target = context.Database.GetCollection(collection);
        var ids = new BsonArray();
        foreach (var doc in await target.FindListAsync(new FindOptions { Filter = filter, Projection = new BsonDocument("_id", 1) }, context.Operation, cancellationToken).ConfigureAwait(false))
        {
            ids.Add(doc["_id"]);
        }
        if (ids.Count > 0)
        {
            await Apply(target, new BsonDocument("_id", new BsonDocument("$in", ids)), update, context, cancellationToken).ConfigureAwait(false);
        }
        return ids;
    }

    internal static async Task Apply(Collection target, BsonDocument filter, BsonValue update, MigrationContext context, CancellationToken cancellationToken) =>
        (await target.UpdateAsync([new UpdateStatement { Filter = filter, Update = update, Multi = true }],
            new UpdateOptions { BypassDocumentValidation = true }, context.Operation, cancellationToken).ConfigureAwait(false)).ThrowOnError();
}
