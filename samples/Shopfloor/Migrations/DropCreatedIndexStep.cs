using Outpost;
using Outpost.Bson;

namespace Shopfloor.Migrations;

/// <summary>Down step of a <see cref="CreateIndexStep"/>: drops the index only if that up step created it.</summary>
public sealed class DropCreatedIndexStep(string collection, string name, int upStep) : MigrationStep
{
    /// <inheritdoc/>
    public override BsonDocument Definition => new()
    {
        { "op", "dropCreatedIndex" },
        { "collection", collection },
        { "name", name },
        { "upStep", upStep },
    };

    /// <inheritdoc/>
    public override async Task<BsonValue> RunAsync(MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var created = context.UpMemos.Count > upStep && context.UpMemos[upStep] is BsonBoolean { Value: true };
        if (!created)
        {
            return false;
        }
        try
        {
            await context.Database.GetCollection(collection).DropIndexesAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (MongoException e) when (e.Code is ErrorCodes.IndexNotFound or ErrorCodes.NamespaceNotFound)
        {
            return false;
        }
        return true;
    }
}
