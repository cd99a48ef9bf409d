namespace Shopfloor.Domain;

/// <summary>The manufacturing metadata of a photo (the seed's nested <c>metadata</c> object).</summary>
public sealed record InspectionMetadata
{
    public required string InspectionType { get; init; }
    /// <summary>1–10.</summary>
    public int? QualityRating { get; init; }
    public IReadOnlyList<string> DefectsFound { get; init; } = [];
    /// <summary>Encrypted at rest (see <c>PhotoFieldProtector</c>).</summary>
    public string? InspectorNotes { get; init; }
    public string? MachineId { get; init; }
    public string? BatchNumber { get; init; }
    /// <summary>Encrypted at rest (see <c>PhotoFieldProtector</c>).</summary>
    public GeoLocation? Location { get; init; }
    public required DeviceInfo DeviceInfo { get; init; }
}
