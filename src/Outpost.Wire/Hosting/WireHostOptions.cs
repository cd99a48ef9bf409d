namespace Outpost.Wire.Hosting;

/// <summary>What the command layer reports and enforces: topology identity, security and test switches.</summary>
public sealed class WireHostOptions
{
    /// <summary>Replica set name reported by hello (drivers connecting with replicaSet=… must see it).</summary>
    public string ReplicaSetName { get; set; } = "rs0";

    /// <summary>The lowercase host:port put in hello's hosts, me and primary.</summary>
    public string AdvertisedAddress { get; set; } = "localhost:27017";

    /// <summary>When true every command but the handshake and SASL needs an authenticated user.</summary>
    public bool AuthenticationRequired { get; set; }

    /// <summary>Enables configureFailPoint and the other driver test commands.</summary>
    public bool EnableTestCommands { get; set; }

    /// <summary>Version string reported by buildInfo (a 7.0.x string, as drivers' test runners expect).</summary>
    public string ServerVersion { get; set; } = "7.0.14";

    /// <summary>The Outpost product version, reported beside the MongoDB-compatible one.</summary>
    public string OutpostVersion { get; set; } = "0.1.0";

    /// <summary>Largest accepted message (hello's maxMessageSizeBytes).</summary>
    public int MaxMessageSize { get; set; } = 48_000_000;

    /// <summary>Idle cursors are closed after this long (MongoDB's cursorTimeoutMillis default: 10 minutes).</summary>
    public TimeSpan CursorTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed logins allowed per client address within <see cref="LoginFailureWindow"/> before further attempts are refused.</summary>
    public int MaxLoginFailures { get; set; } = 10;

    /// <summary>The window of the failed-login rate limit.</summary>
    public TimeSpan LoginFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}
