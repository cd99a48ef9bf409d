using Outpost;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Attachments;
using Outpost.Sync.Transport;
using Shopfloor.Device;
using Shopfloor.Device.Simulation;

namespace Shopfloor.Tests.Sync;

/// <summary>
/// The seed's sync tests in C#: a device on its own SQLite database syncs with a Shopfloor sync server (SQLite, the
/// module's validators on photos) through the in-process transport, going offline and online at will.
/// </summary>
public sealed class DeviceSyncTests : IAsyncLifetime
{
    private static readonly ObjectId Project = ObjectId.GenerateNewId();
    private const string Job = "JOB-2025-001";
    private DeviceSyncServer _server = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await DeviceSyncServer.StartAsync(Ct);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Offline_capture_of_five_photos_then_sync_uploads_all_without_errors()
    {
        await using var device = await _server.OpenDeviceAsync("paint-1", "PAINT", Ct);
        device.Network.Online = false;
        var captured = new List<BsonDocument>();
        for (int i = 0; i < 5; i++) captured.Add(await device.CapturePhotoAsync(Project, Job, 48 * 1024, Ct));

        await Assert.ThrowsAsync<SyncTransportException>(() => device.SyncAsync(cancellationToken: Ct));
        Assert.Equal(5, (await device.Photos.FindAsync(new BsonDocument("syncStatus", "pending"), cancellationToken: Ct)).Count);
        Assert.Empty(await _server.ServerPhotosAsync(Ct));

        device.Network.Online = true;
        var result = await device.SyncAsync(cancellationToken: Ct);

        Assert.Equal(0, result.UploadErrors);
        Assert.Equal(5, result.PhotosUploaded);
        Assert.Equal(5L * 48 * 1024, result.BytesUploaded);
        Assert.Equal(0, result.Pending);
        foreach (var photo in captured)
        {
            var local = await device.Photos.FindByIdAsync(photo["_id"], Ct);
            Assert.Equal("synced", local!["syncStatus"].AsString);
            Assert.Equal(SyncStatus.Synced, await device.Photos.GetSyncStatusAsync(photo["_id"], Ct));
        }
        var onServer = await _server.ServerPhotosAsync(Ct);
        Assert.Equal(5, onServer.Count);
        Assert.All(onServer, p => Assert.Equal("synced", p["syncStatus"].AsString));
        Assert.Equal(captured.Select(p => p["checksumMD5"].AsString).Order(), onServer.Select(p => p["checksumMD5"].AsString).Order());
        var files = await device.Client.Attachments.ListAsync(cancellationToken: Ct);
        Assert.Equal(5, files.Count);
        Assert.All(files, f => Assert.NotEqual(AttachmentState.Pending, f.State));
        Assert.All(files, f => Assert.Equal(64, f.Sha256.Length));
    }

    [Fact]
    public async Task A_remote_newer_change_wins_its_field_and_the_local_change_to_another_field_is_kept()
    {
        await using var remote = await _server.OpenDeviceAsync("paint-remote", "PAINT", Ct);
        await using var local = await _server.OpenDeviceAsync("paint-local", "PAINT", Ct);
        var photo = await remote.CapturePhotoAsync(Project, Job, 4096, Ct);
        var id = photo["_id"];
        await remote.SyncAsync(cancellationToken: Ct);
        await local.SyncAsync(cancellationToken: Ct);
        Assert.NotNull(await local.Photos.FindByIdAsync(id, Ct));

        // Local edits offline first (older), then the remote edits the same field later (newer) and syncs first.
        local.Network.Online = false;
        await local.EditMetadataAsync(id, new BsonDocument { { "metadata.qualityRating", 3 }, { "metadata.machineId", "M-LOCAL" } }, Ct);
        await Task.Delay(50, Ct);
        await remote.EditMetadataAsync(id, new BsonDocument("metadata.qualityRating", 9), Ct);
        await remote.SyncAsync(cancellationToken: Ct);

        local.Network.Online = true;
        await local.SyncAsync(cancellationToken: Ct);
        await remote.SyncAsync(cancellationToken: Ct);

        // The merge is recorded on the device whose write lost, settled by the rules (nothing left for review).
        var conflicts = await local.GetConflictsAsync(includeResolved: true, Ct);
        var rating = Assert.Single(conflicts, c => c.Conflict?.Path == "metadata.qualityRating");
        Assert.Equal(9L, rating.Conflict!.Result!.ToInt64());
        Assert.False(rating.Conflict.NeedsReview);
        Assert.Empty(await local.GetConflictsAsync(cancellationToken: Ct));

        var onServer = (await _server.ServerPhotosAsync(Ct)).Single();
        Assert.Equal(9L, onServer["metadata"].AsDocument["qualityRating"].ToInt64());
        Assert.Equal("M-LOCAL", onServer["metadata"].AsDocument["machineId"].AsString);
        foreach (var device in new[] { local, remote })
        {
            var copy = (await device.Photos.FindByIdAsync(id, Ct))!;
            Assert.Equal(9L, copy["metadata"].AsDocument["qualityRating"].ToInt64());
            Assert.Equal("M-LOCAL", copy["metadata"].AsDocument["machineId"].AsString);
            Assert.Equal(0, await device.Client.CountPendingAsync(Ct));
        }
    }

    [Fact]
    public async Task Intermittent_connectivity_ends_with_every_photo_synced()
    {
        var flaky = new FlakyTransport(new InProcessSyncTransport(_server.Sync), seed: 11, failure: 0.25);
        await using var device = await _server.OpenDeviceAsync("zline-1", "Z_LINE", Ct, flaky);
        var random = new Random(5);
        var ids = new List<BsonValue>();
        int offlineRounds = 0, failedRounds = 0;
        for (int round = 0; round < 12; round++)
        {
            device.Network.Online = random.NextDouble() < 0.5;
            if (!device.Network.Online) offlineRounds++;
            ids.Add((await device.CapturePhotoAsync(Project, Job, 32 * 1024, Ct))["_id"]);
            try
            {
                var result = await device.SyncAsync(cancellationToken: Ct);
                Assert.Equal(0, result.UploadErrors);
            }
            catch (SyncTransportException)
            {
                failedRounds++;
            }
        }
        Assert.True(offlineRounds > 0 && failedRounds > offlineRounds, $"the run must include offline rounds ({offlineRounds}) and cut connections ({failedRounds})");

        // Back online for good (the link stays flaky): retry until the outbox and the uploads are drained.
        device.Network.Online = true;
        for (int attempt = 0; attempt < 40; attempt++)
        {
            try
            {
                var result = await device.SyncAsync(cancellationToken: Ct);
                if (result.Pending == 0 && (await device.Client.Attachments.ListAsync(AttachmentState.Pending, Ct)).Count == 0) break;
            }
            catch (SyncTransportException)
            {
            }
        }
        flaky.Failure = 0;
        await device.SyncAsync(cancellationToken: Ct);

        foreach (var id in ids)
        {
            Assert.Equal("synced", (await device.Photos.FindByIdAsync(id, Ct))!["syncStatus"].AsString);
            Assert.Equal(SyncStatus.Synced, await device.Photos.GetSyncStatusAsync(id, Ct));
        }
        var onServer = await _server.ServerPhotosAsync(Ct);
        Assert.Equal(ids.Count, onServer.Count);
        Assert.All(onServer, p => Assert.Equal("synced", p["syncStatus"].AsString));
        Assert.Empty(await device.Client.Attachments.ListAsync(AttachmentState.Pending, Ct));
    }

    [Fact]
    public async Task An_invalid_photo_is_refused_before_the_local_write()
    {
        await using var device = await _server.OpenDeviceAsync("rogue", "NOT_A_DEPARTMENT", Ct);
        var error = await Assert.ThrowsAsync<MongoException>(() => device.CapturePhotoAsync(Project, Job, 1024, Ct));
        Assert.Contains("departmentId", error.Message, StringComparison.Ordinal);
        Assert.Empty(await device.Photos.FindAsync(cancellationToken: Ct));
        Assert.Equal(0, await device.Client.CountPendingAsync(Ct));
    }

    [Fact]
    public async Task The_simulation_syncs_every_captured_photo()
    {
        var summary = await DeviceSimulation.RunAsync(new SimulationOptions
        {
            ServerEngine = _server.Engine,
            Database = "simulated",
            Departments = ["PAINT", "QA"],
            DevicesPerDepartment = 2,
            PhotosPerDevice = 4,
            PhotoSize = 8 * 1024,
            Rounds = 3,
            DataDirectory = Path.Combine(_server.Directory, "sim"),
            Seed = 3,
        }, Ct);
        Assert.Equal(4, summary.Devices);
        Assert.Equal(16, summary.PhotosCaptured);
        Assert.Equal(16, summary.PhotosSynced);
        Assert.Equal(16, summary.ServerPhotos);
        Assert.Equal(16L * 8 * 1024, summary.BytesUploaded);
        Assert.Equal(0, summary.UploadErrors);
    }

    /// <summary>Cuts a share of requests, before or after the server handled them (seeded): connections that die mid-sync.</summary>
    private sealed class FlakyTransport(ISyncTransport inner, int seed, double failure) : ISyncTransport
    {
        private readonly Random _random = new(seed);

        public double Failure { get; set; } = failure;

        public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
        {
            double roll;
            lock (_random) roll = _random.NextDouble();
            if (roll < Failure / 2) throw new SyncTransportException("connection reset before the request arrived");
            var reply = await inner.SendAsync(endpoint, body, bearerToken, cancellationToken);
            if (roll < Failure) throw new SyncTransportException("connection reset before the reply arrived");
            return reply;
        }

        public Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken) =>
            inner.ConnectLiveAsync(hello, bearerToken, cancellationToken);
    }
}
