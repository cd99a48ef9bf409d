using Outpost.Bson;

namespace Shopfloor.Migrations;

/// <summary>Down step of an <see cref="UpdateManyStep"/>: applies <c>update</c> to the ids that up step recorded.</summary>
public sealed class RevertUpdateStep(string collection, BsonDocument update, int upStep) : MigrationStep
{
    /// <inheritdoc/>
    public override BsonDocument Definition => new()
    {
        { "op", "revertUpdate" },
        { "collection", collection },
        { "update", update },
        { "upStep", upStep },
    };

    /// <inheritdoc/>
    public override async Task<BsonValue> RunAsync(MigrationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ids = context.UpMemos.Count > upStep ? context.UpMemos[upStep] as BsonArray ?? [] : [];
        if (ids.Count > 0)
        {
            await UpdateManyStep.Apply(context.Database.GetCollection(collection), new BsonDocument("_id", new BsonDocument("$in", ids)), update, context, cancellationToken).ConfigureAwait(false);
        }
        return ids.Count;
    }
}
