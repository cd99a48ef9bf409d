namespace Shopfloor.Security;

/// <summary>Failure count of one lock-out key within its current window.</summary>
public sealed record LockoutRecord(int Failures, DateTimeOffset WindowStart, DateTimeOffset? LockedUntil)
{
    /// <summary>True while a lock-out is in force.</summary>
    public bool IsLocked(DateTimeOffset now) => LockedUntil is { } until && now < until;

    /// <summary>
    /// The record after one more failure at <paramref name="now"/>: a new window starts when the old one has passed;
    /// reaching <paramref name="maxFailures"/> locks for the configured duration. Pure, so every store applies
    /// the same policy inside its own atomic update.
    /// </summary>
    public static LockoutRecord AfterFailure(LockoutRecord? current, DateTimeOffset now, int maxFailures, LockoutOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var record = current is null || now - current.WindowStart > options.Window
            ? new LockoutRecord(0, now, current?.LockedUntil)
            : current;
        var failures = record.Failures + 1;
        var lockedUntil = failures >= maxFailures ? now + options.LockoutDuration : record.LockedUntil;
        return new LockoutRecord(failures, record.WindowStart, lockedUntil);
    }
}
