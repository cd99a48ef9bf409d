using Shopfloor.Security;

namespace Shopfloor.Server;

/// <summary>How a Shopfloor server is started: where its data lives, where it listens and its secrets.</summary>
public sealed record ShopfloorOptions
{
    /// <summary>Folder of the embedded SQLite database and the generated key file (created when missing).</summary>
    public string DataDirectory { get; init; } = "./shopfloor-data";

    /// <summary>The Outpost database that holds the Shopfloor collections.</summary>
    public string DatabaseName { get; init; } = "shopfloor";

    /// <summary>Kestrel address; port 0 picks a free port (tests).</summary>
    public string Url { get; init; } = "http://127.0.0.1:5080";

    /// <summary>JWT settings; null loads (or creates) a signing key in <see cref="DataDirectory"/>.</summary>
    public JwtOptions? Jwt { get; init; }

    /// <summary>Field-encryption keys; null loads (or creates) one key in <see cref="DataDirectory"/>.</summary>
    public FieldKeyring? Keyring { get; init; }

    /// <summary>
    /// Administrator key for department and project writes (header <c>X-Shopfloor-Admin-Key</c>). Tablets sign in
    /// per department and hold photo permissions only; reference data is maintained by an administrator. Null
    /// loads (or creates) one in <see cref="DataDirectory"/>.
    /// </summary>
    public string? AdminKey { get; init; }

    /// <summary>PBKDF2 iterations for PINs (never below <see cref="PinHasher.MinimumIterations"/>).</summary>
    public int PinIterations { get; init; } = PinHasher.MinimumIterations;

    /// <summary>Sign-in lock-out policy.</summary>
    public LockoutOptions Lockout { get; init; } = new();

    /// <summary>Clock for tokens, sessions and lock-outs (tests move it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Minimum log level of the host (Warning keeps the demo quiet; denials are warnings).</summary>
    public Microsoft.Extensions.Logging.LogLevel LogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Warning;

    /// <summary>
    /// Maintain the dashboard's daily rollups from the photos change stream and answer whole-day dashboards from them
    /// (on by default; off computes every dashboard on the fly).
    /// </summary>
    public bool DashboardRollups { get; init; } = true;
}
