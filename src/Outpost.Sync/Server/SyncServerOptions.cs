using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

/// <summary>Configuration of the server side of sync.</summary>
public sealed class SyncServerOptions
{
    /// <summary>The database whose collections sync.</summary>
    public string Database { get; init; } = "app";

    /// <summary>The synced collections and their rules; a collection without a rule does not sync.</summary>
    public IReadOnlyList<CollectionSyncRule> Rules { get; init; } = [];

    /// <summary>The server's node id in HLC stamps (writes made by other paths are stamped with it).</summary>
    public string ServerNode { get; init; } = "server";

    /// <summary>Side collection with the merge metadata of every synced document: <c>{_id: {c, i}, m, h}</c>.</summary>
    public string MetadataCollection { get; init; } = "__sync_meta";

    /// <summary>Op de-duplication table: <c>{_id: clientId, sub, acked}</c>.</summary>
    public string ClientsCollection { get; init; } = "__sync_clients";

    /// <summary>Conflicts that need review (keep-both): <c>{_id, at, clientId, conflict}</c>.</summary>
    public string ConflictsCollection { get; init; } = "__sync_conflicts";

    /// <summary>The wall clock (injectable for skew tests).</summary>
    public Func<long>? WallClock { get; init; }

    /// <summary>Interval of keep-alive pings on idle live sockets.</summary>
    public TimeSpan LivePingInterval { get; init; } = TimeSpan.FromSeconds(15);
}
