using Outpost.Bson;

namespace Outpost.Query.Pipeline;

/// <summary>
/// What a pipeline needs from the database it runs in, implemented by the engine (and by an in-memory host in tests).
/// Kept narrow on purpose: the library reads other collections, and hands the stages it cannot run as a pure library
/// ($out, $merge, $geoNear, $changeStream, $collStats, $indexStats, $currentOp, $listSessions, $search …) to the host.
/// </summary>
public partial interface IPipelineHost
{
    /// <summary>
    /// Streams the documents of <paramref name="collection"/> in <paramref name="database"/> (null: the pipeline's own
    /// database) for $lookup, $graphLookup and $unionWith. <paramref name="filter"/> is a hint the host may use with its
    /// indexes: the pipeline re-checks every returned document, so returning all documents is always correct.
    /// </summary>
    IAsyncEnumerable<BsonDocument> ReadCollectionAsync(string? database, string collection, BsonDocument? filter, CancellationToken cancellationToken);

    /// <summary>
    /// Called once at compile time with the whole pipeline: how many leading stages the engine applies itself while it
    /// produces the pipeline's input (an indexed <c>$match</c>/<c>$sort</c>, a <c>$text</c> match, <c>$geoNear</c>, …).
    /// The library neither compiles nor runs those stages. The default (0) lets the library run the whole pipeline.
    /// </summary>
    int ClaimLeadingStages(BsonArray stages) => 0;

    /// <summary>Whether the host runs this stage itself (called once at compile time for every stage the library does not run).</summary>
    bool SupportsStage(string stageName);

    /// <summary>
    /// Runs a host stage over the output of the previous stages (<paramref name="input"/> is empty when the stage is first,
    /// e.g. $collStats or $changeStream). Writes ($out, $merge) return no documents.
    /// </summary>
    IAsyncEnumerable<BsonDocument> ExecuteStageAsync(string stageName, BsonValue specification, IAsyncEnumerable<BsonDocument> input, CancellationToken cancellationToken);
}
