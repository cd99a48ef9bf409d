using Outpost.Sync.Transport;
using Shopfloor.Security;

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

    /// <summary>
    /// The field-encryption keyring provisioned to the tablet at enrollment (the server module's keyring). With it the
    /// device captures inspector notes and GPS location and encrypts them before they enter the synced collection, so
    /// they are ciphertext on the device, in transit and on the server; without it the device does not record them.
    /// The device does not own the keyring (the caller disposes it).
    /// </summary>
    public FieldKeyring? FieldKeys { get; init; }
}
