namespace Shopfloor.Domain;

/// <summary>Counters and notes of a project.</summary>
public sealed record ProjectMetadata
{
    public int? EstimatedPhotos { get; init; }
    public int ActualPhotos { get; init; }
    /// <summary>0–10.</summary>
    public double? QualityScore { get; init; }
    public string? Notes { get; init; }
}
