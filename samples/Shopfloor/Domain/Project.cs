using Outpost.Bson;

namespace Shopfloor.Domain;

/// <summary>A manufacturing job (collection <c>projects</c>); the job number is unique.</summary>
public sealed record Project
{
    public required ObjectId Id { get; init; }
    public required string JobNumber { get; init; }
    public required string Name { get; init; }
    public required string Client { get; init; }
    public required ProjectStatus Status { get; init; }
    public ProjectPriority Priority { get; init; } = ProjectPriority.Medium;
    /// <summary>Department ids taking part.</summary>
    public required IReadOnlyList<string> Departments { get; init; }
    public required DateTime StartDate { get; init; }
    public required DateTime ExpectedEndDate { get; init; }
    public DateTime? ActualEndDate { get; init; }
    public required IReadOnlyList<ProjectPart> Parts { get; init; }
    public ProjectMetadata Metadata { get; init; } = new();
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }
}
