namespace Outpost.Query.Updates;

/// <summary>Per-document inputs of an update.</summary>
public sealed class ApplyContext
{
    /// <summary>Whether the document is being inserted by an upsert ($setOnInsert applies only then).</summary>
    public bool IsUpsertInsert { get; init; }

    /// <summary>The array index the query matched (for the positional $), from MatchDetails.</summary>
    public int? MatchedArrayIndex { get; init; }

    /// <summary>The time for $currentDate and $$NOW; defaults to the context's time.</summary>
    public DateTime? Now { get; init; }
}
