using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>The find command's options.</summary>
public sealed class FindOptions
{
    /// <summary>The filter; empty matches everything.</summary>
    public BsonDocument Filter { get; init; } = [];

    /// <summary>Sort specification, e.g. <c>{a: 1, b: -1}</c>.</summary>
    public BsonDocument? Sort { get; init; }

    /// <summary>Projection specification.</summary>
    public BsonDocument? Projection { get; init; }

    /// <summary>Documents to skip.</summary>
    public long Skip { get; init; }

    /// <summary>Most documents to return; 0 means no limit. (A negative limit from the wire means singleBatch.)</summary>
    public long Limit { get; init; }

    /// <summary>Size of the first batch the wire asks for (informational for the engine).</summary>
    public int? BatchSize { get; init; }

    /// <summary>Index hint: name (string) or key pattern (document). <c>{$natural: 1|-1}</c> forces a collection scan.</summary>
    public BsonValue? Hint { get; init; }

    /// <summary>Collation document.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Variables (let).</summary>
    public BsonDocument? Let { get; init; }

    /// <summary>Inclusive lower index bound (requires hint).</summary>
    public BsonDocument? Min { get; init; }

    /// <summary>Exclusive upper index bound (requires hint).</summary>
    public BsonDocument? Max { get; init; }

    /// <summary>Return only the index keys of the chosen index.</summary>
    public bool ReturnKey { get; init; }

    /// <summary>Add <c>$recordId</c> to every returned document.</summary>
    public bool ShowRecordId { get; init; }

    /// <summary>A tailable cursor on a capped collection: stays open at the end of the data.</summary>
    public bool Tailable { get; init; }

    /// <summary>With <see cref="Tailable"/>: getMore blocks for new data up to its maxAwaitTime.</summary>
    public bool AwaitData { get; init; }

    /// <summary>Whether blocking sorts may spill to disk.</summary>
    public bool AllowDiskUse { get; init; }

    /// <summary>Adds the text score / geo distance as a hidden <c>$meta.textScore</c> / <c>$meta.geoNearDistance</c> field (pipelines read it with $meta).</summary>
    internal bool AttachMeta { get; init; }
}
