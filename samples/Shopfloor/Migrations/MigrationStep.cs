using Outpost.Bson;

namespace Shopfloor.Migrations;

/// <summary>
/// One operation of a migration, described as data (<see cref="Definition"/>) so the migration's checksum covers
/// exactly what it does. An up step returns a memo (stored with the applied migration) that its down step uses
/// to undo only what the up step changed.
/// </summary>
public abstract class MigrationStep
{
    /// <summary>The step as a document (part of the checksummed definition).</summary>
    public abstract BsonDocument Definition { get; }

    /// <summary>Runs the step; the returned memo is stored with the migration record.</summary>
    public abstract Task<BsonValue> RunAsync(MigrationContext context, CancellationToken cancellationToken);
}
