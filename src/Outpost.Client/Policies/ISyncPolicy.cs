namespace Outpost.Client.Policies;

/// <summary>
/// Decides what the sync loop does under which network conditions, as the seed's IntelligentSyncManager does:
/// the app can plug in battery, time-of-day or data-budget rules.
/// </summary>
public interface ISyncPolicy
{
    /// <summary>Whether work of <paramref name="priority"/> may run now.</summary>
    bool ShouldRun(SyncPriority priority, NetworkCondition condition);

    /// <summary>Whether to hold the live WebSocket open.</summary>
    bool UseLive(NetworkCondition condition);

    /// <summary>How long to wait between sync rounds when nothing wakes the loop.</summary>
    TimeSpan Interval(NetworkCondition condition);
}
