namespace Outpost.Sync.Snapshots;

/// <summary>Configuration of server-built snapshot files (fast first sync).</summary>
public sealed class SnapshotFileOptions
{
    /// <summary>Where built files wait to be downloaded; null = a fresh folder under the system temp directory.</summary>
    public string? Directory { get; init; }

    /// <summary>How long a built file stays downloadable (a client resumes a broken download within this time).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A file built for one client is handed to later clients whose subscriptions bind to the same filters (same
    /// rules, same claims) for this long; they pull the changes since its position. A plant of tablets doing their
    /// first sync at shift start then costs the server one build, not one per tablet.
    /// </summary>
    public TimeSpan ReuseFor { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Documents written per insert batch into the file.</summary>
    public int BatchSize { get; init; } = 5000;
}
