#:project ../../../src/Outpost.Client/Outpost.Client.csproj
#:project ../../../src/Outpost.Wire/Outpost.Wire.csproj
#:property OutputType=Exe

// The C# side of the GridFS compat suite (gridfs.test.mjs): hosts a real Outpost server (engine on SQLite, MongoDB wire
// listener, sync + attachment endpoints over HTTP on loopback), uploads a file through the C# client SDK in resumable
// chunks over HTTP — cutting the connection twice and restarting the client once on the way — then prints one JSON line
// for the Node.js side and serves until its stdin closes.
// Usage: dotnet run upload-helper.cs -- <bytes>
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Attachments;
using Outpost.Client.Transport;
using Outpost.Engine;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;
using Outpost.Sync.Transport;
using Outpost.Wire.Hosting;
using Outpost.Wire.Transport;

int size = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 3 * 1024 * 1024 + 123;
var directory = Path.Combine(Path.GetTempPath(), "outpost-gridfs-compat", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(directory);
try
{
    await using var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"));
    var sync = new SyncService(engine, new SyncServerOptions { Rules = [new CollectionSyncRule("photos", new BsonDocument("dept", "{{token.dept}}"))] }, new CompatTokens());
    await sync.InitializeAsync();
    var attachments = new AttachmentService(sync);
    await attachments.InitializeAsync();

    await using var wire = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, new WireHostOptions(), null, null,
        (registry, dispatcher, host) => EngineBinding.Bind(engine, registry, dispatcher, host));
    wire.Start();
    wire.Host.Options.AdvertisedAddress = $"127.0.0.1:{wire.LocalEndPoint.Port}";

    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    await using var app = builder.Build();
    app.UseWebSockets();
    app.MapOutpostSync(sync);
    app.MapOutpostSyncAttachments(attachments);
    await app.StartAsync();
    var http = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");

    var content = new byte[size];
    new Random(2026).NextBytes(content);
#pragma warning disable CA5351 // the app-supplied legacy GridFS md5 is part of what is checked
    var md5 = Convert.ToHexStringLower(MD5.HashData(content));
#pragma warning restore CA5351
    using var httpTransport = new HttpSyncTransport(http);
    var transport = new CuttingTransport(httpTransport, cutAfterChunks: [3, 7]);
    var options = new ClientOptions
    {
        DatabasePath = Path.Combine(directory, "tablet", "local.db"), ClientId = "compat-tablet", Transport = transport,
        TokenProvider = _ => ValueTask.FromResult<string?>("compat|PAINT"), Subscriptions = [new SyncSubscription("photos", "photos")],
    };
    var client = await OutpostClient.OpenAsync(options);
    client.ConfigureAttachments(new AttachmentOptions { ChunkSize = 64 * 1024 });
    await client.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "photo-1" }, { "dept", "PAINT" }, { "title", "compat" } });
    await client.SyncNowAsync();
    var info = await client.Attachments.AddAsync("photos", "photo-1", new MemoryStream(content), "compat-photo.bin", "application/octet-stream", md5);
    int failures = 0;
    while (true)
    {
        try
        {
            if (await client.Attachments.UploadPendingAsync() == 1) break;
        }
        catch (SyncTransportException) when (++failures <= 5)
        {
            if (failures == 1)
            {
                // An app restart mid-upload.
                await client.DisposeAsync();
                client = await OutpostClient.OpenAsync(options);
                client.ConfigureAttachments(new AttachmentOptions { ChunkSize = 64 * 1024 });
            }
        }
    }
    var uploaded = await client.Attachments.GetAsync(info.Id);
    await client.DisposeAsync();
    var file = await attachments.Store.FindFileAsync(new BsonDocument("metadata.attachmentId", info.Id), null, default);
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["mongoPort"] = wire.LocalEndPoint.Port, ["httpUri"] = http.ToString(), ["attachmentId"] = info.Id, ["fileId"] = file?["_id"].AsObjectId.ToString(),
        ["sha256"] = info.Sha256, ["md5"] = md5, ["length"] = size, ["chunkSize"] = 64 * 1024, ["state"] = uploaded?.State.ToString(), ["cuts"] = failures,
    }));
    Console.Out.Flush();
    await Console.In.ReadToEndAsync(); // serve until the Node.js side is done
    await app.StopAsync();
    await wire.StopAsync();
}
finally
{
    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException)
    {
    }
}

/// <summary>Tokens "subject|department".</summary>
internal sealed class CompatTokens : ISyncAuthenticator
{
    public ValueTask<SyncPrincipal?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken) =>
        ValueTask.FromResult<SyncPrincipal?>(bearerToken?.Split('|') is [var subject, var dept] ? new SyncPrincipal(subject, new Dictionary<string, BsonValue> { ["dept"] = dept }) : null);
}

/// <summary>Drops the reply of the given chunk requests (the server stored them; the client never heard): a cut connection.</summary>
internal sealed class CuttingTransport(ISyncTransport inner, int[] cutAfterChunks) : ISyncTransport
{
    private int _chunks;

    public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        var reply = await inner.SendAsync(endpoint, body, bearerToken, cancellationToken);
        if (endpoint == AttachmentProtocol.Chunk && Array.IndexOf(cutAfterChunks, Interlocked.Increment(ref _chunks)) >= 0)
            throw new SyncTransportException("connection cut after the chunk was sent");
        return reply;
    }

    public Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken) =>
        inner.ConnectLiveAsync(hello, bearerToken, cancellationToken);
}
