namespace Outpost.Engine.Client;

/// <summary>Options of FindOneAndUpdate.</summary>
public sealed class FindOneAndUpdateOptions<T>
{
    /// <summary>Before (default) or after the update.</summary>
    public ReturnDocument ReturnDocument { get; init; }

    /// <summary>Insert when nothing matches.</summary>
    public bool IsUpsert { get; init; }

    /// <summary>Which matching document to update first.</summary>
    public SortDefinition<T>? Sort { get; init; }
}
