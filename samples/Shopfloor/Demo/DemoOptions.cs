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

    /// <summary>Photos to generate when the database has fewer.</summary>
    public int Photos { get; init; } = 400;

    /// <summary>Interval of the live photo generator (zero = off).</summary>
    public TimeSpan LiveInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Stop after this long (null = until Ctrl+C); for scripted runs.</summary>
    public TimeSpan? ExitAfter { get; init; }
}
