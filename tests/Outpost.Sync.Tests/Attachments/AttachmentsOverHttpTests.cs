using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Attachments;
using Outpost.Client.Policies;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Server;
using Outpost.Sync.Snapshots;

namespace Outpost.Sync.Tests.Attachments;

/// <summary>Kestrel on a loopback ephemeral port: attachments and snapshot files over real HTTP.</summary>
public sealed class AttachmentsOverHttpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Over_HTTP_a_device_bootstraps_from_a_snapshot_file_uploads_an_attachment_and_another_downloads_it()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        await server.App.GetCollection("photos").InsertAsync([new BsonDocument { { "_id", "h1" }, { "dept", "PAINT" } }, new BsonDocument { { "_id", "h2" }, { "dept", "QA" } }], cancellationToken: Ct);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddSingleton(server.Sync);
        builder.Services.AddSingleton(server.Attachments);
        builder.Services.AddSingleton(server.Snapshots);
        await using var app = builder.Build();
        app.MapOutpostSync();
        app.MapOutpostSyncAttachments();
        app.MapOutpostSyncSnapshotFiles();
        await app.StartAsync(Ct);
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        ClientOptions Options(string name) => new()
        {
            DatabasePath = Path.Combine(server.Directory, name, "local.db"), ServerUri = address, ClientId = name,
            TokenProvider = _ => ValueTask.FromResult<string?>(name + "|PAINT"), Subscriptions = [new SyncSubscription("photos", "photos")],
        };
        var content = new byte[700_001];
        new Random(3).NextBytes(content);
        await using var a = await OutpostClient.OpenWithSnapshotAsync(Options("http-a"), cancellationToken: Ct);
        Assert.NotNull(await a.Collection("photos").FindByIdAsync("h1", Ct));
        Assert.Null(await a.Collection("photos").FindByIdAsync("h2", Ct));
        await a.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "h3" }, { "dept", "PAINT" } }, Ct);
        var info = await a.Attachments.AddAsync("photos", "h3", new MemoryStream(content), "h3.jpg", cancellationToken: Ct);
        await a.SyncNowAsync(Ct);
        await new AttachmentUploadLane(SyncPriority.LargeBinaries).RunAsync(a, Ct);
        Assert.Equal(AttachmentState.Uploaded, (await a.Attachments.GetAsync(info.Id, Ct))!.State);

        // A second device with the same subscriptions gets the same file (no second build) and pulls what came after.
        await using var b = await OutpostClient.OpenWithSnapshotAsync(Options("http-b"), cancellationToken: Ct);
        Assert.Equal("http-b", b.ClientId);
        await b.SyncNowAsync(Ct);
        Assert.NotNull(await b.Collection("photos").FindByIdAsync("h3", Ct));
        await using var stream = await b.Attachments.OpenReadAsync(info.Id, Ct);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), Convert.ToHexStringLower(SHA256.HashData(copy.ToArray())));
        Assert.True(await b.VerifyAsync(Ct));

        // Without a token the raw file is not served.
        using var anonymous = new HttpClient();
        var files = Directory.GetFiles(Path.Combine(server.Directory, "snapshots"), "*.db");
        Assert.Single(files);
        var response = await anonymous.GetAsync(new Uri(address, $"{SyncProtocol.BasePath}/{SnapshotFileProtocol.DownloadPrefix}{Path.GetFileNameWithoutExtension(files[0])}"), Ct);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }
}
