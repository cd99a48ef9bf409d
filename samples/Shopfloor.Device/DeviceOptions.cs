using Outpost.Sync.Transport;

namespace Shopfloor.Device;

/// <summary>How a <see cref="ShopfloorDevice"/> opens: where it keeps its data, who it is, and how it reaches the server.</summary>
public sealed class DeviceOptions
{
    /// <summary>Folder for the local SQLite database and the captured images.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>This tablet's id (also the sync client id).</summary>
    public required string DeviceId { get; init; }

    /// <summary>The department the device is signed in to (its token must say the same).</summary>
    public required string DepartmentId { get; init; }

    /// <summary>The bearer token for the sync server.</summary>
    public required string Token { get; init; }

    /// <summary>The way to the server (HTTP or in-process); wrapped in a <see cref="SwitchableTransport"/> to go offline.</summary>
    public required ISyncTransport Transport { get; init; }

    /// <summary>Seed for generated images and metadata, so a run replays.</summary>
    public int Seed { get; init; } = Environment.TickCount;
}
