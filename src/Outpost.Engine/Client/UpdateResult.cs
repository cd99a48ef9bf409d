using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Outcome of UpdateOne/UpdateMany/ReplaceOne.</summary>
/// <param name="MatchedCount">Documents the filter matched.</param>
/// <param name="ModifiedCount">Documents actually changed.</param>
/// <param name="UpsertedId">The new document's id when the upsert inserted one.</param>
public sealed record UpdateResult(long MatchedCount, long ModifiedCount, BsonValue? UpsertedId);
