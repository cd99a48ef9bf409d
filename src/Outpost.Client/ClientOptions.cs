using Outpost.Client.Policies;
using Outpost.Engine;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client;

/// <summary>How to open an <see cref="OutpostClient"/>.</summary>
public sealed class ClientOptions
{
    /// <summary>The local SQLite database file (created when missing).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>The server's HTTP base address (for the default HTTP/WebSocket transport).</summary>
    public Uri? ServerUri { get; init; }

    /// <summary>Another transport (tests: the network simulator). Overrides <see cref="ServerUri"/>.</summary>
    public ISyncTransport? Transport { get; init; }

    /// <summary>Returns the current bearer token (refreshing it as needed).</summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; init; }

    /// <summary>This device's id; generated and stored on first open when null.</summary>
    public string? ClientId { get; init; }

    /// <summary>What to sync.</summary>
    public IReadOnlyList<SyncSubscription> Subscriptions { get; init; } = [];

    /// <summary>The local database holding the synced collections (same names as on the server).</summary>
    public string Database { get; init; } = "app";

    /// <summary>Current network condition (default: always unmetered).</summary>
    public Func<NetworkCondition> Network { get; init; } = () => NetworkCondition.Unmetered;

    /// <summary>What runs under which condition.</summary>
    public ISyncPolicy Policy { get; init; } = new DefaultSyncPolicy();

    /// <summary>Extra lanes of the sync loop (attachments).</summary>
    public IReadOnlyList<ISyncLane> Lanes { get; init; } = [];

    /// <summary>Start the background sync loop on open.</summary>
    public bool StartSync { get; init; }

    /// <summary>Operations per push request.</summary>
    public int PushBatchSize { get; init; } = 500;

    /// <summary>Documents per snapshot page / log entries per pull.</summary>
    public int PullBatchSize { get; init; } = SyncProtocol.DefaultLimit;

    /// <summary>First retry delay ceiling.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Largest retry delay.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Seed for jitter (tests make runs reproducible).</summary>
    public int? RandomSeed { get; init; }

    /// <summary>The wall clock for HLC stamps (tests skew it).</summary>
    public Func<long>? WallClock { get; init; }

    /// <summary>The version of the app's local data layout.</summary>
    public int SchemaVersion { get; init; } = 1;

    /// <summary>Migrations by target version: run in order when the stored version is lower than <see cref="SchemaVersion"/>.</summary>
    public IReadOnlyDictionary<int, Func<Database, CancellationToken, Task>> Migrations { get; init; } = new Dictionary<int, Func<Database, CancellationToken, Task>>();
}
