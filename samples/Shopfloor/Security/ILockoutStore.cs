namespace Shopfloor.Security;

/// <summary>Where failed sign-in counts live (in memory now; an Outpost collection when the engine lands).</summary>
public interface ILockoutStore
{
    /// <summary>The record for a key, or null.</summary>
    ValueTask<LockoutRecord?> GetAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Atomically applies <see cref="LockoutRecord.AfterFailure"/> and returns the new record.</summary>
    ValueTask<LockoutRecord> RecordFailureAsync(string key, DateTimeOffset now, int maxFailures, LockoutOptions options, CancellationToken cancellationToken = default);

    /// <summary>Forgets a key (after a successful sign-in).</summary>
    ValueTask ResetAsync(string key, CancellationToken cancellationToken = default);
}
