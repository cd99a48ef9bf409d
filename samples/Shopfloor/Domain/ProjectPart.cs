using Outpost.Bson;

namespace Shopfloor.Domain;

/// <summary>A part of a project that must be photographed.</summary>
public sealed record ProjectPart
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string PartNumber { get; init; }
    public string? Description { get; init; }
    /// <summary>How many photos the part needs (seed default 1).</summary>
    public int RequiredPhotos { get; init; } = 1;
    /// <summary>Free-form specifications (the seed's <c>record(unknown)</c>).</summary>
    public BsonDocument? Specifications { get; init; }
}
