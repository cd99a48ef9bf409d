using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>One statement of a delete command (<c>{q, limit, collation, hint}</c>).</summary>
public sealed class DeleteStatement
{
    /// <summary>The filter (q).</summary>
    public BsonDocument Filter { get; init; } = [];

    /// <summary>1 deletes the first match, 0 deletes every match.</summary>
    public int Limit { get; init; }

    /// <summary>Collation document for the filter.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Index hint: an index name (string) or key pattern (document).</summary>
    public BsonValue? Hint { get; init; }
}
