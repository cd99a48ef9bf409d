using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>Options of an update command that shape how the update compiles.</summary>
public sealed class UpdateCompileOptions
{
    /// <summary>The command's arrayFilters, one document per $[identifier].</summary>
    public BsonArray? ArrayFilters { get; init; }

    /// <summary>Variables from the command's let (pipeline updates read them as $$name).</summary>
    public BsonDocument? Let { get; init; }

    /// <summary>Collation for $min/$max/$pull/$addToSet comparisons and arrayFilters; null = context's.</summary>
    public QueryContext? Context { get; init; }
}
