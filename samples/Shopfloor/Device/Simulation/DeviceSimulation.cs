using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Transport;

namespace Shopfloor.Device.Simulation;

/// <summary>
/// Runs N simulated tablets per department against a Shopfloor sync server: offline periods, captures, metadata edits
/// (some on the same photo from two devices, so they conflict) and reconnects, then a final all-online sync.
/// The demo calls this with its own engine (<see cref="SimulationOptions.ServerEngine"/>).
/// </summary>
public static class DeviceSimulation
{
    /// <summary>Runs the simulation and returns its summary.</summary>
    public static async Task<SimulationSummary> RunAsync(SimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), "shopfloor-sim-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var ownsEngine = options.ServerEngine is null;
        var engine = options.ServerEngine ?? await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"), cancellationToken).ConfigureAwait(false);
        var devices = new List<ShopfloorDevice>();
        try
        {
            var server = await ShopfloorSyncServer.StartAsync(engine, options.Database, RandomNumberGenerator.GetBytes(32), cancellationToken).ConfigureAwait(false);
            var projects = options.Projects ?? Demo.DemoData.Projects(DateTime.UtcNow);
            var random = new Random(options.Seed);
            foreach (var department in options.Departments)
            {
                for (int i = 1; i <= options.DevicesPerDepartment; i++)
                {
                    var id = $"{department.ToLowerInvariant()}-tablet-{i}";
                    devices.Add(await ShopfloorDevice.OpenAsync(new DeviceOptions
                    {
                        DataDirectory = Path.Combine(directory, id),
                        DeviceId = id,
                        DepartmentId = department,
                        Token = server.IssueToken(id, department),
                        Transport = new InProcessSyncTransport(server),
                        Seed = random.Next(),
                        FieldKeys = options.FieldKeys,
                    }, cancellationToken).ConfigureAwait(false));
                }
            }
            var state = new RunState(options.PhotosPerDevice * devices.Count);
            for (int round = 1; round <= options.Rounds; round++)
            {
                // Photos spread evenly over the rounds; the last round takes the remainder.
                int perRound = round < options.Rounds ? options.PhotosPerDevice / options.Rounds : options.PhotosPerDevice - (options.PhotosPerDevice / options.Rounds) * (options.Rounds - 1);
                foreach (var device in devices) device.Network.Online = random.NextDouble() >= options.OfflineProbability;
                var edits = devices.Select(_ => random.NextDouble() < options.EditProbability).ToArray();
                var tasks = new Task[devices.Count];
                for (int d = 0; d < devices.Count; d++)
                {
                    tasks[d] = RunDeviceRoundAsync(devices[d], projects, perRound, edits[d], options, state, round, cancellationToken);
                }
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            // Everyone reconnects: two passes, so edits pushed late in the first pass reach every peer in the second.
            foreach (var device in devices) device.Network.Online = true;
            for (int pass = 0; pass < 2; pass++)
            {
                foreach (var device in devices) await SyncAsync(device, options, state, options.Rounds, cancellationToken).ConfigureAwait(false);
            }
            return await SummarizeAsync(devices, engine, options, state, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var device in devices) await device.DisposeAsync().ConfigureAwait(false);
            if (ownsEngine) await engine.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task RunDeviceRoundAsync(ShopfloorDevice device, IReadOnlyList<BsonDocument> projects, int photos, bool edit,
        SimulationOptions options, RunState state, int round, CancellationToken cancellationToken)
    {
        var random = new Random(HashCode.Combine(options.Seed, device.Options.DeviceId, round));
        for (int i = 0; i < photos; i++)
        {
            var project = projects[random.Next(projects.Count)];
            var photo = await device.CapturePhotoAsync(project["_id"].AsObjectId, project["jobNumber"].AsString, options.PhotoSize, cancellationToken).ConfigureAwait(false);
            state.CapturedIds.Add((device, photo["_id"]));
            Interlocked.Increment(ref state.Captured);
            Report(options, state, round, $"{device.Options.DeviceId} captured a photo{(device.Network.Online ? "" : " offline")}");
        }
        if (edit)
        {
            var local = await device.Photos.FindAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            if (local.Count > 0)
            {
                // Devices of a department mostly edit the department's oldest photo they hold: real contention, so
                // concurrent edits (one of them made offline or before a pull) meet on the server and merge.
                local.Sort((a, b) => a["_id"].CompareTo(b["_id"]));
                var photo = random.NextDouble() < 0.7 ? local[0] : local[random.Next(local.Count)];
                await device.EditMetadataAsync(photo["_id"], new BsonDocument
                {
                    { "metadata.qualityRating", random.Next(1, 11) },
                    { "metadata.machineId", $"M-{random.Next(1, 20):00}" },
                }, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref state.Edits);
            }
        }
        if (device.Network.Online) await SyncAsync(device, options, state, round, cancellationToken).ConfigureAwait(false);
    }

    private static async Task SyncAsync(ShopfloorDevice device, SimulationOptions options, RunState state, int round, CancellationToken cancellationToken)
    {
        try
        {
            var result = await device.SyncAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref state.Synced, result.PhotosUploaded);
            Interlocked.Add(ref state.Bytes, result.BytesUploaded);
            Interlocked.Add(ref state.Errors, result.UploadErrors);
            Report(options, state, round, $"{device.Options.DeviceId} synced {result.PhotosUploaded} photo(s)");
        }
        catch (SyncTransportException e)
        {
            Report(options, state, round, $"{device.Options.DeviceId} could not sync: {e.Message}");
        }
    }

    private static async Task<SimulationSummary> SummarizeAsync(List<ShopfloorDevice> devices, OutpostEngine engine, SimulationOptions options, RunState state, CancellationToken cancellationToken)
    {
        int synced = 0, merged = 0, review = 0;
        // Only this run's captures count (a device reopened by a later run still holds earlier photos).
        foreach (var (device, id) in state.CapturedIds)
        {
            var photo = await device.Photos.FindByIdAsync(id, cancellationToken).ConfigureAwait(false);
            if (photo is not null && photo["syncStatus"] == "synced" && await device.Photos.GetSyncStatusAsync(id, cancellationToken).ConfigureAwait(false) == SyncStatus.Synced) synced++;
        }
        foreach (var device in devices)
        {
            foreach (var conflict in await device.GetConflictsAsync(includeResolved: true, cancellationToken).ConfigureAwait(false))
            {
                if (conflict.At < state.Started) continue;
                if (conflict.RejectionReason is not null || conflict.Conflict?.NeedsReview == true) review++;
                else merged++;
            }
        }
        var serverPhotos = await engine.GetDatabase(options.Database).GetCollection("photos").CountAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return new SimulationSummary(devices.Count, state.Captured, synced, state.Bytes, state.Errors, state.Edits, merged, review, serverPhotos);
    }

    private static void Report(SimulationOptions options, RunState state, int round, string message) =>
        options.Progress?.Report(new SimulationProgress(round, options.Rounds, Volatile.Read(ref state.Captured), Volatile.Read(ref state.Synced), state.Planned, message));

    /// <summary>Counters shared by the devices of one run (updated with Interlocked).</summary>
    private sealed class RunState(int planned)
    {
        public readonly int Planned = planned;
        public readonly DateTime Started = DateTime.UtcNow;
        public readonly System.Collections.Concurrent.ConcurrentBag<(ShopfloorDevice Device, BsonValue Id)> CapturedIds = [];
        public int Captured;
        public int Synced;
        public long Bytes;
        public int Errors;
        public int Edits;
    }
}
