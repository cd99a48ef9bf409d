namespace Shopfloor.Demo;

/// <summary>Options of <c>shopfloor demo</c>.</summary>
public sealed record DemoOptions
{
    /// <summary>Data folder (embedded SQLite database and keys).</summary>
    public string DataDirectory { get; init; } = "./shopfloor-data";

    /// <summary>HTTP port of the module (0 = any free port).</summary>
    public int HttpPort { get; init; } = 5080;

    /// <summary>MongoDB wire-protocol port on loopback (0 = no wire server).</summary>
    public int WirePort { get; init; } = 27017;

    /// <summary>
    /// Authentication on the wire server: with it, the demo creates the department roles (decision 026) and one wire
    /// user per department (<c>paint-inspector</c>, …; fresh passwords printed each run) who reads and writes only its
    /// department's photos. Without it the wire server is loopback-only with no authentication.
    /// </summary>
    public bool WireAuth { get; init; }

    /// <summary>Photos to generate when the database has fewer.</summary>
    public int Photos { get; init; } = 400;

    /// <summary>
    /// Pause between runs of the simulated tablets (each run: capture offline, edit, reconnect, sync); zero = no
    /// devices, the data stays as generated (scripted checks of the dashboard use this).
    /// </summary>
    public TimeSpan LiveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Simulated tablets per department in each run.</summary>
    public int DevicesPerDepartment { get; init; } = 1;

    /// <summary>
    /// HTTP port serving device sync for external <c>shopfloor-device</c> processes (trusting the module's sign-in
    /// tokens); null = <see cref="HttpPort"/> + 1, 0 = none (the simulated tablets sync in-process either way).
    /// </summary>
    public int? SyncPort { get; init; }

    /// <summary>Stop after this long (null = until Ctrl+C); for scripted runs.</summary>
    public TimeSpan? ExitAfter { get; init; }
}
