using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>The aggregate command's options.</summary>
public sealed class AggregateOptions
{
    /// <summary>Shared default options.</summary>
    public static AggregateOptions Default { get; } = new();

    /// <summary>Whether blocking stages may spill to disk.</summary>
    public bool AllowDiskUse { get; init; }

    /// <summary>Collation document.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Variables (let).</summary>
    public BsonDocument? Let { get; init; }

    /// <summary>Index hint for the first stage's scan.</summary>
    public BsonValue? Hint { get; init; }

    /// <summary>Skip validation for $out/$merge targets.</summary>
    public bool BypassDocumentValidation { get; init; }
}
