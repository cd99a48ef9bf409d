namespace Shopfloor.Security;

/// <summary>When repeated wrong PINs lock sign-in out.</summary>
public sealed record LockoutOptions
{
    /// <summary>Failures within <see cref="Window"/> that lock one device out of one department code.</summary>
    public int MaxFailuresPerDevice { get; init; } = 5;

    /// <summary>
    /// Failures within <see cref="Window"/> that lock a department code for every device: an attacker can invent
    /// device ids, so the per-device limit alone would not stop guessing a 4–6 digit PIN.
    /// </summary>
    public int MaxFailuresPerDepartment { get; init; } = 50;

    /// <summary>The sliding window in which failures are counted.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a lock-out lasts from the failure that triggered it.</summary>
    public TimeSpan LockoutDuration { get; init; } = TimeSpan.FromMinutes(15);
}
