namespace Shopfloor.Domain;

/// <summary>Lifecycle of a project (wire names: active, completed, on-hold, cancelled).</summary>
public enum ProjectStatus
{
    Active,
    Completed,
    OnHold,
    Cancelled,
}
