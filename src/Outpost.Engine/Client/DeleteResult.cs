namespace Outpost.Engine.Client;

/// <summary>Outcome of DeleteOne/DeleteMany.</summary>
/// <param name="DeletedCount">Documents deleted.</param>
public sealed record DeleteResult(long DeletedCount);
