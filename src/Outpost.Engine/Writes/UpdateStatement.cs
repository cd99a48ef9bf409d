using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>One statement of an update command (<c>{q, u, multi, upsert, arrayFilters, collation, hint}</c>).</summary>
public sealed class UpdateStatement
{
    /// <summary>The filter (q).</summary>
    public BsonDocument Filter { get; init; } = [];

    /// <summary>The update (u): an operator document, a replacement document, or a pipeline (BsonArray).</summary>
    public required BsonValue Update { get; init; }

    /// <summary>Update every matching document instead of the first.</summary>
    public bool Multi { get; init; }

    /// <summary>Insert a document built from filter and update when nothing matches.</summary>
    public bool Upsert { get; init; }

    /// <summary>Filters for <c>$[identifier]</c> positional updates.</summary>
    public BsonArray? ArrayFilters { get; init; }

    /// <summary>Collation document for the filter.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Index hint: an index name (string) or key pattern (document).</summary>
    public BsonValue? Hint { get; init; }
}
