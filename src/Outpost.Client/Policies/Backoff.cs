namespace Outpost.Client.Policies;

/// <summary>
/// Exponential backoff with full jitter (AWS architecture blog): a random delay in [0, min(cap, base·2^attempt)], so a
/// plant full of tablets coming back online does not hit the server in lock-step.
/// </summary>
public sealed class Backoff(TimeSpan initial, TimeSpan max, Random random)
{
    /// <summary>The delay before retry number <paramref name="attempt"/> (1-based).</summary>
    public TimeSpan Delay(int attempt)
    {
        double ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        lock (random) return TimeSpan.FromMilliseconds(random.NextDouble() * ceiling);
    }
}
