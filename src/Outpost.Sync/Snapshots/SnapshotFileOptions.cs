namespace Outpost.Sync.Snapshots;

/// <summary>Configuration of server-built snapshot files (fast first sync).</summary>
public sealed class SnapshotFileOptions
{
    /// <summary>Where built files wait to be downloaded; null = a fresh folder under the system temp directory.</summary>
    public string? Directory { get; init; }

    /// <summary>How long a built file stays downloadable (a client resumes a broken download within this time).</summary>
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Documents written per insert batch into the file.</summary>
    public int BatchSize { get; init; } = 5000;
}
