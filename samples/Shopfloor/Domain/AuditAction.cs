namespace Shopfloor.Domain;

/// <summary>What happened to a photo, as recorded in its audit trail.</summary>
public enum AuditAction
{
    Created,
    Updated,
    Synced,
    Deleted,
}
