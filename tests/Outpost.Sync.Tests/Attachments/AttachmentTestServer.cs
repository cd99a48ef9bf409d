using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;
using Outpost.Sync.Snapshots;
using Outpost.Sync.Transport;

namespace Outpost.Sync.Tests.Attachments;

/// <summary>
/// A real sync server (engine on a SQLite file under a temp dir) with the attachment and snapshot-file services, and
/// an in-process transport to it. Tokens are "subject|department"; the <c>photos</c> collection syncs by department.
/// </summary>
internal sealed class AttachmentTestServer : IAsyncDisposable
{
    private AttachmentTestServer(string directory, OutpostEngine engine, SyncService sync, AttachmentService attachments, SnapshotFileService snapshots)
    {
        Directory = directory;
        Engine = engine;
        Sync = sync;
        Attachments = attachments;
        Snapshots = snapshots;
    }

    public string Directory { get; }
    public OutpostEngine Engine { get; }
    public SyncService Sync { get; }
    public AttachmentService Attachments { get; }
    public SnapshotFileService Snapshots { get; }

    public Database App => Engine.GetDatabase("app");

    public static async Task<AttachmentTestServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "outpost-attach-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var engine = await OutpostEngine.OpenAsync(Path.Combine(directory, "server.db"));
        var options = new SyncServerOptions
        {
            Rules = [new CollectionSyncRule("photos", new BsonDocument("dept", "{{token.dept}}"))],
        };
        var sync = new SyncService(engine, options, new DepartmentTokens());
        await sync.InitializeAsync();
        var attachments = new AttachmentService(sync);
        await attachments.InitializeAsync();
        var snapshots = new SnapshotFileService(sync, new SnapshotFileOptions { Directory = Path.Combine(directory, "snapshots") });
        return new AttachmentTestServer(directory, engine, sync, attachments, snapshots);
    }

    /// <summary>Options of a device of <paramref name="department"/> talking to this server through <paramref name="transport"/>.</summary>
    public ClientOptions Device(string name, string department, ISyncTransport? transport = null) => new()
    {
        DatabasePath = Path.Combine(Directory, name, "local.db"),
        ClientId = name,
        Transport = transport ?? new InProcessTransport(this),
        TokenProvider = _ => ValueTask.FromResult<string?>(name + "|" + department),
        Subscriptions = [new SyncSubscription("photos", "photos")],
    };

    public async ValueTask DisposeAsync()
    {
        await Snapshots.DisposeAsync();
        await Engine.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed class DepartmentTokens : ISyncAuthenticator
    {
        public ValueTask<SyncPrincipal?> AuthenticateAsync(string? bearerToken, CancellationToken cancellationToken)
        {
            if (bearerToken is null || bearerToken.Split('|') is not [var subject, var dept]) return ValueTask.FromResult<SyncPrincipal?>(null);
            return ValueTask.FromResult<SyncPrincipal?>(new SyncPrincipal(subject, new Dictionary<string, BsonValue> { ["dept"] = dept }));
        }
    }
}

/// <summary>
/// Delivers requests to the server in-process, through real BSON bytes both ways. <see cref="Fault"/> may drop a
/// request before it reaches the server or drop the reply after the server handled it — what a cut connection does.
/// </summary>
internal sealed class InProcessTransport(AttachmentTestServer server) : ISyncTransport
{
    /// <summary>Called per request with (endpoint, body); returns what to do with it.</summary>
    public Func<string, BsonDocument, Delivery>? Fault { get; set; }

    public async Task<BsonDocument> SendAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        var request = BsonSerializer.Deserialize(BsonSerializer.Serialize(body));
        var delivery = Fault?.Invoke(endpoint, request) ?? Delivery.Deliver;
        if (delivery == Delivery.DropRequest) throw new SyncTransportException($"connection reset before {endpoint} reached the server");
        BsonDocument reply;
        if (endpoint.StartsWith("attachments/", StringComparison.Ordinal)) reply = await server.Attachments.HandleAsync(endpoint, request, bearerToken, cancellationToken);
        else if (endpoint.StartsWith("snapshot-file/", StringComparison.Ordinal)) reply = await server.Snapshots.HandleAsync(endpoint, request, bearerToken, cancellationToken);
        else reply = await server.Sync.HandleAsync(endpoint, request, bearerToken, cancellationToken);
        if (delivery == Delivery.DropReply) throw new SyncTransportException($"connection reset before the reply to {endpoint} arrived");
        return BsonSerializer.Deserialize(BsonSerializer.Serialize(reply));
    }

    public Task<ISyncLiveChannel> ConnectLiveAsync(BsonDocument hello, string? bearerToken, CancellationToken cancellationToken) =>
        throw new SyncTransportException("no live channel in-process");
}

internal enum Delivery
{
    Deliver,
    DropRequest,
    DropReply,
}
