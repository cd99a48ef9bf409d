namespace Shopfloor.Domain;

/// <summary>The seed's string spelling of each domain enum, both ways; one place so BSON, JSON and validators agree.</summary>
public static class WireNames
{
    public static IReadOnlyList<string> SyncPolicies { get; } = ["realtime", "batch", "manual"];
    public static IReadOnlyList<string> SyncStatuses { get; } = ["pending", "syncing", "synced", "failed", "conflicted"];
    public static IReadOnlyList<string> ProjectStatuses { get; } = ["active", "completed", "on-hold", "cancelled"];
    public static IReadOnlyList<string> ProjectPriorities { get; } = ["low", "medium", "high", "critical"];
    public static IReadOnlyList<string> FlashModes { get; } = ["auto", "on", "off"];
    public static IReadOnlyList<string> AuditActions { get; } = ["created", "updated", "synced", "deleted"];

    // The enums are declared in the same order as these lists, so the numeric value indexes the list.
    public static string Of(SyncPolicy value) => SyncPolicies[(int)value];
    public static string Of(SyncStatus value) => SyncStatuses[(int)value];
    public static string Of(ProjectStatus value) => ProjectStatuses[(int)value];
    public static string Of(ProjectPriority value) => ProjectPriorities[(int)value];
    public static string Of(FlashMode value) => FlashModes[(int)value];
    public static string Of(AuditAction value) => AuditActions[(int)value];

    public static SyncPolicy ParseSyncPolicy(string name) => (SyncPolicy)IndexOf(SyncPolicies, name);
    public static SyncStatus ParseSyncStatus(string name) => (SyncStatus)IndexOf(SyncStatuses, name);
    public static ProjectStatus ParseProjectStatus(string name) => (ProjectStatus)IndexOf(ProjectStatuses, name);
    public static ProjectPriority ParseProjectPriority(string name) => (ProjectPriority)IndexOf(ProjectPriorities, name);
    public static FlashMode ParseFlashMode(string name) => (FlashMode)IndexOf(FlashModes, name);
    public static AuditAction ParseAuditAction(string name) => (AuditAction)IndexOf(AuditActions, name);

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }
        throw new FormatException($"'{name}' is not one of: {string.Join(", ", names)}.");
    }
}
