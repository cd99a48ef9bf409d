namespace Outpost.Client.Policies;

/// <summary>
/// Extra work the sync loop runs after the metadata lane when the policy allows its priority (attachments plug in here).
/// </summary>
public interface ISyncLane
{
    /// <summary>The lane's priority.</summary>
    SyncPriority Priority { get; }

    /// <summary>Does one round of work; exceptions make the loop back off.</summary>
    Task RunAsync(OutpostClient client, CancellationToken cancellationToken);
}
