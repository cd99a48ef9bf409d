namespace Shopfloor.Migrations;

/// <summary>One migration's state: applied or pending, and whether its definition changed since it was applied.</summary>
public sealed record MigrationStatus(int Version, string Description, bool Applied, DateTime? AppliedAt, string Checksum, string? AppliedChecksum)
{
    /// <summary>Applied, but its definition has changed since.</summary>
    public bool Modified => Applied && AppliedChecksum != Checksum;
}
