using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Options of Indexes.CreateOneAsync.</summary>
public sealed class CreateIndexOptions
{
    /// <summary>Index name (default: MongoDB's key_direction naming).</summary>
    public string? Name { get; init; }

    /// <summary>Reject duplicate keys (code 11000).</summary>
    public bool Unique { get; init; }

    /// <summary>Skip documents without the indexed fields.</summary>
    public bool Sparse { get; init; }

    /// <summary>TTL: documents expire this long after the indexed date.</summary>
    public TimeSpan? ExpireAfter { get; init; }

    /// <summary>Index only documents matching this filter.</summary>
    public BsonDocument? PartialFilterExpression { get; init; }

    /// <summary>Further index options as in createIndexes (weights, default_language, …).</summary>
    public BsonDocument? Other { get; init; }
}
