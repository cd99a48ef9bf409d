namespace Outpost.Client.Policies;

/// <summary>Offline: nothing. Metered: metadata and small binaries, polling slower. Unmetered: everything, live.</summary>
public sealed class DefaultSyncPolicy : ISyncPolicy
{
    /// <inheritdoc />
    public bool ShouldRun(SyncPriority priority, NetworkCondition condition) => condition switch
    {
        NetworkCondition.Offline => false,
        NetworkCondition.Metered => priority <= SyncPriority.SmallBinaries,
        _ => true,
    };

    /// <inheritdoc />
    public bool UseLive(NetworkCondition condition) => condition != NetworkCondition.Offline;

    /// <inheritdoc />
    public TimeSpan Interval(NetworkCondition condition) => condition switch
    {
        NetworkCondition.Offline => TimeSpan.FromSeconds(10),
        NetworkCondition.Metered => TimeSpan.FromSeconds(60),
        _ => TimeSpan.FromSeconds(15),
    };
}
