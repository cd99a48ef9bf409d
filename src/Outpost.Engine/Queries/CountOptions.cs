using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>The count command's options.</summary>
public sealed class CountOptions
{
    /// <summary>The filter (query); empty counts everything.</summary>
    public BsonDocument Filter { get; init; } = [];

    /// <summary>Documents to skip before counting.</summary>
    public long Skip { get; init; }

    /// <summary>Most documents to count; 0 means no limit.</summary>
    public long Limit { get; init; }

    /// <summary>Index hint.</summary>
    public BsonValue? Hint { get; init; }

    /// <summary>Collation document.</summary>
    public BsonDocument? Collation { get; init; }
}
