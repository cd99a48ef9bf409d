using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Device.Simulation;

/// <summary>What <see cref="DeviceSimulation.RunAsync"/> runs: how many devices, photos, rounds and how flaky the network is.</summary>
public sealed class SimulationOptions
{
    /// <summary>Tablets per department.</summary>
    public int DevicesPerDepartment { get; init; } = 2;

    /// <summary>Departments to simulate (ids); all five by default.</summary>
    public IReadOnlyList<string> Departments { get; init; } = Domain.Departments.Ids;

    /// <summary>Photos each device captures over the run.</summary>
    public int PhotosPerDevice { get; init; } = 6;

    /// <summary>Size of each generated image in bytes.</summary>
    public int PhotoSize { get; init; } = 64 * 1024;

    /// <summary>Work rounds; in each a device may be offline, captures, edits, and syncs when online.</summary>
    public int Rounds { get; init; } = 4;

    /// <summary>Chance that a device is offline in a round.</summary>
    public double OfflineProbability { get; init; } = 0.4;

    /// <summary>Chance that a device edits a photo of its department in a round (edits of the same photo on two devices conflict).</summary>
    public double EditProbability { get; init; } = 0.6;

    /// <summary>Folder for device databases (and the server's, when no <see cref="ServerEngine"/> is given); a temp folder by default.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>The server's engine (the demo's); null runs a server on SQLite under <see cref="DataDirectory"/>.</summary>
    public OutpostEngine? ServerEngine { get; init; }

    /// <summary>The server database holding <c>photos</c>.</summary>
    public string Database { get; init; } = "shopfloor";

    /// <summary>Projects to photograph (documents with <c>_id</c> and <c>jobNumber</c>); the demo's three by default.</summary>
    public IReadOnlyList<BsonDocument>? Projects { get; init; }

    /// <summary>Seed, so a run replays.</summary>
    public int Seed { get; init; } = 2026;

    /// <summary>The field-encryption keyring the tablets are provisioned with (inspector notes and GPS are then captured and synced encrypted); null captures neither.</summary>
    public Security.FieldKeyring? FieldKeys { get; init; }

    /// <summary>Receives progress after every device step.</summary>
    public IProgress<SimulationProgress>? Progress { get; init; }
}
