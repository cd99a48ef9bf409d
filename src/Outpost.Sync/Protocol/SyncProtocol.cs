namespace Outpost.Sync.Protocol;

/// <summary>Names and limits of the <c>outpost-sync/1</c> protocol (docs/sync-protocol.md).</summary>
public static class SyncProtocol
{
    /// <summary>The protocol name and major version.</summary>
    public const string Name = "outpost-sync/1";

    /// <summary>The value of the <c>v</c> field of every request body.</summary>
    public const int Version = 1;

    /// <summary>The path prefix of every endpoint.</summary>
    public const string BasePath = "/sync/v1";

    /// <summary>The content type of every body.</summary>
    public const string ContentType = "application/bson";

    /// <summary>Endpoint names (appended to <see cref="BasePath"/>).</summary>
    public const string Hello = "hello", Snapshot = "snapshot", Pull = "pull", Push = "push", Checksum = "checksum", Live = "live";

    /// <summary>Default and largest page / batch sizes.</summary>
    public const int DefaultLimit = 1000, MaxLimit = 10000;
}
