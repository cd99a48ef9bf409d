using Outpost.Bson;
using Outpost.Sync.Protocol;
using Shopfloor.Device;
using Shopfloor.Tests.Server;

namespace Shopfloor.Tests.Sync;

/// <summary>
/// Devices signed in with department code + PIN on the Shopfloor module sync with those tokens
/// (<see cref="ShopfloorTokenAuthenticator"/>): their department only, and not after the session is revoked.
/// </summary>
public sealed class SignedInDeviceSyncTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_signed_in_device_syncs_its_department_only_until_its_session_is_revoked()
    {
        await using var server = await ShopfloorTestServer.StartAsync();
        var sync = await ShopfloorSyncServer.StartAsync(server.Host.Engine, "shopfloor", new ShopfloorTokenAuthenticator(server.Services.Tokens), null, Ct);
        var paintToken = await TokenAsync(server, "PNT", ShopfloorTestServer.PaintPin, "paint-tab");
        var qaToken = await TokenAsync(server, "QAC", ShopfloorTestServer.QaPin, "qa-tab");
        await using var paint = await ShopfloorDevice.OpenAsync(Options(server, "paint-tab", "PAINT", paintToken, sync), Ct);
        await using var qa = await ShopfloorDevice.OpenAsync(Options(server, "qa-tab", "QA", qaToken, sync), Ct);

        var photo = await paint.CapturePhotoAsync(ObjectId.GenerateNewId(), "JOB-2025-001", 2048, Ct);
        var result = await paint.SyncAsync(cancellationToken: Ct);
        Assert.Equal((1, 0), (result.PhotosUploaded, result.UploadErrors));
        var stored = await (await server.Host.Engine.GetDatabase("shopfloor").GetCollection("photos").FindAsync(new Outpost.Engine.FindOptions { Filter = new BsonDocument("_id", photo["_id"]) }, cancellationToken: Ct)).ToListAsync(Ct);
        Assert.Equal("synced", Assert.Single(stored)["syncStatus"].AsString);

        await qa.SyncAsync(cancellationToken: Ct);
        Assert.Empty(await qa.Photos.FindAsync(cancellationToken: Ct));

        await server.Services.Sessions.RevokeDeviceAsync("paint-tab", DateTimeOffset.UtcNow, "tablet lost", Ct);
        await paint.EditMetadataAsync(photo["_id"], new BsonDocument("metadata.qualityRating", 2), Ct);
        await Assert.ThrowsAsync<SyncProtocolException>(() => paint.SyncAsync(cancellationToken: Ct));
        Assert.Equal(1, await paint.Client.CountPendingAsync(Ct));
    }

    private static DeviceOptions Options(ShopfloorTestServer server, string device, string department, string token, ShopfloorSyncServer sync) => new()
    {
        DataDirectory = Path.Combine(server.DataDirectory, "devices", device),
        DeviceId = device,
        DepartmentId = department,
        Token = token,
        Transport = new InProcessSyncTransport(sync),
    };

    private static async Task<string> TokenAsync(ShopfloorTestServer server, string code, string pin, string device)
    {
        using var response = await server.SignInAsync(code, pin, device);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await ShopfloorTestServer.ReadAsync(response))["token"].AsString;
    }
}
