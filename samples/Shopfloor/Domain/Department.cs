namespace Shopfloor.Domain;

/// <summary>A shop-floor department (collection <c>departments</c>).</summary>
public sealed record Department
{
    /// <summary>The department id, one of <see cref="Departments.Ids"/>.</summary>
    public required string Id { get; init; }
    /// <summary>One of <see cref="Departments.Names"/>.</summary>
    public required string Name { get; init; }
    /// <summary>Exactly three upper-case letters.</summary>
    public required string Code { get; init; }
    public bool Active { get; init; } = true;
    public SyncPolicy SyncPolicy { get; init; } = SyncPolicy.Batch;
    public double SyncFrequencyMinutes { get; init; } = 15;
    public DepartmentSettings Settings { get; init; } = new();
    public required DateTime CreatedAt { get; init; }
    public required DateTime UpdatedAt { get; init; }
}
