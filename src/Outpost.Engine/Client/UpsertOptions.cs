using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Options of UpdateOne/UpdateMany/ReplaceOne (named apart from the engine's <c>UpdateOptions</c>).</summary>
public sealed class UpsertOptions
{
    /// <summary>Insert a document when none matches.</summary>
    public bool IsUpsert { get; init; }

    /// <summary>Filters for <c>$[identifier]</c> positional updates.</summary>
    public BsonArray? ArrayFilters { get; init; }
}
