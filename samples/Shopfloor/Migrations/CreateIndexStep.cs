using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Migrations;

/// <summary>
/// createIndex. Index builds are catalog (DDL) operations the engine runs in their own storage transaction, not
/// inside a multi-document transaction (MongoDB, too, refuses index builds on existing collections in one), so
/// this step takes effect at once; it is idempotent, so a re-run after a failed migration is harmless.
/// Memo: whether this step created the index (the down step drops only an index it created).
/// </summary>
public sealed class CreateIndexStep(string collection, BsonDocument keys) : MigrationStep
{
    /// <summary>The index name (MongoDB's default name for the keys).</summary>
    public string Name { get; } = IndexModel.DefaultName(keys);

    /// <inheritdoc/>
    public override BsonDocument Definition => new()
    {
        { "op", "createIndex" },
        { "collection", collection },
        { "keys", keys },
        { "name", Name },
    };

    /// <inheritdoc/>
    public override async Task<BsonValue> RunAsync(MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await context.Database.GetCollection(collection).CreateIndexesAsync([new IndexModel { Keys = keys, Name = Name }], cancellationToken: cancellationToken).ConfigureAwait(false);
        return result.NumIndexesAfter > result.NumIndexesBefore;
    }
}
