using Outpost.Bson;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Rules;

/// <summary>
/// How one collection syncs: which documents a client receives (<see cref="ReadFilter"/>), which it may write
/// (<see cref="WriteFilter"/> must match both the current and the merged version, only <see cref="WritableFields"/>
/// may change), and how concurrent writes merge. Filters are in the query language; a string value
/// <c>"{{token.claim}}"</c> is replaced by the claim's value (a missing claim denies everything).
/// </summary>
public sealed class CollectionSyncRule
{
    /// <summary>Creates the rule of <paramref name="collection"/>.</summary>
    public CollectionSyncRule(string collection, BsonDocument? readFilter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        Collection = collection;
        ReadFilter = readFilter ?? [];
    }

    /// <summary>The collection name (in the sync database).</summary>
    public string Collection { get; }

    /// <summary>Template of the documents a client receives; empty = all.</summary>
    public BsonDocument ReadFilter { get; }

    /// <summary>Template of the documents a client may create or change; null = <see cref="ReadFilter"/>.</summary>
    public BsonDocument? WriteFilter { get; init; }

    /// <summary>Top-level fields a client may write; null = all.</summary>
    public IReadOnlyList<string>? WritableFields { get; init; }

    /// <summary>Whether clients may create documents.</summary>
    public bool AllowInsert { get; init; } = true;

    /// <summary>Whether clients may delete documents.</summary>
    public bool AllowDelete { get; init; } = true;

    /// <summary>Whether clients may write at all.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>How concurrent writes merge.</summary>
    public MergePolicy Policy { get; init; } = new();
}
