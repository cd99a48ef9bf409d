using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// The chosen access path: a collection scan, or key ranges of one index (the _id index reads the collection tree
/// directly). Ranges are disjoint and in scan order; results come out in index order when <see cref="ProvidesSort"/>.
/// </summary>
internal sealed class QueryPlan
{
    /// <summary>The index scanned, or null for COLLSCAN.</summary>
    public IndexState? Index { get; init; }

    /// <summary>Key ranges of the index (or of the collection tree for the _id index).</summary>
    public IReadOnlyList<KeyRange> Ranges { get; init; } = [KeyRange.All];

    /// <summary>Scan backwards (descending index order).</summary>
    public bool Reverse { get; init; }

    /// <summary>Whether the scan order satisfies the requested sort (no blocking SORT stage).</summary>
    public bool ProvidesSort { get; init; }

    /// <summary>Whether the same document may be reached through several keys (multikey index).</summary>
    public bool NeedsDedup { get; init; }

    /// <summary>A single _id equality (MongoDB's IDHACK).</summary>
    public bool IsIdHack { get; init; }

    /// <summary>indexBounds for explain: field → ["[lo, hi]", …].</summary>
    public BsonDocument IndexBounds { get; init; } = [];

    /// <summary>A text or geo access path (engine-ext): runs instead of the plain scan and supplies $meta values.</summary>
    public Indexes.SpecialAccess? Special { get; init; }

    public bool IsCollectionScan => Index is null;
}
