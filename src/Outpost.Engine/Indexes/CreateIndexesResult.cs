namespace Outpost.Engine;

/// <summary>createIndexes' reply figures.</summary>
/// <param name="NumIndexesBefore">Indexes on the collection before the command (including _id).</param>
/// <param name="NumIndexesAfter">Indexes after it.</param>
/// <param name="CreatedCollectionAutomatically">Whether the collection was created by the command.</param>
/// <param name="Note">"all indexes already exist" when nothing was created, else null.</param>
public sealed record CreateIndexesResult(int NumIndexesBefore, int NumIndexesAfter, bool CreatedCollectionAutomatically, string? Note);
