namespace Shopfloor.Domain;

/// <summary>Priority of a project (seed default: medium).</summary>
public enum ProjectPriority
{
    Low,
    Medium,
    High,
    Critical,
}
