using Outpost.Bson;

namespace Shopfloor.Server;

/// <summary>The seed's PhotoSearchParams: text query, filters and pagination.</summary>
public sealed record PhotoSearchQuery
{
    /// <summary>Words to search for (text index relevance; see <see cref="PhotoSearchService"/>).</summary>
    public string? Text { get; init; }

    /// <summary>Department filter (REST forces the caller's own).</summary>
    public string? DepartmentId { get; init; }

    /// <summary>Project filter.</summary>
    public ObjectId? ProjectId { get; init; }

    /// <summary>capturedAt lower bound, inclusive.</summary>
    public DateTime? From { get; init; }

    /// <summary>capturedAt upper bound, inclusive.</summary>
    public DateTime? To { get; init; }

    /// <summary>Quality range lower bound.</summary>
    public int? MinQuality { get; init; }

    /// <summary>Quality range upper bound.</summary>
    public int? MaxQuality { get; init; }

    /// <summary>true: only photos with defects; false: only without; null: both.</summary>
    public bool? HasDefects { get; init; }

    /// <summary>1-based page.</summary>
    public int Page { get; init; } = 1;

    /// <summary>Page size (1–200).</summary>
    public int Limit { get; init; } = 20;
}
