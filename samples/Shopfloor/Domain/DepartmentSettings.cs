namespace Shopfloor.Domain;

/// <summary>Per-department capture settings (defaults are the seed's).</summary>
public sealed record DepartmentSettings
{
    public int MaxPhotosPerSession { get; init; } = 100;
    /// <summary>JPEG compression quality, 50–100.</summary>
    public int CompressionQuality { get; init; } = 90;
    public bool RequireGpsLocation { get; init; }
    /// <summary>Dotted photo field paths a capture must fill in, e.g. <c>metadata.qualityRating</c>.</summary>
    public IReadOnlyList<string> MandatoryFields { get; init; } = [];
    public int PhotoRetentionDays { get; init; } = 365;
}
