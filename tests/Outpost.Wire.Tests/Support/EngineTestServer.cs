using System.Net;
using Outpost.Engine;
using Outpost.Wire.Auth;
using Outpost.Wire.Hosting;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Support;

/// <summary>A wire server over a real engine on a SQLite file in a temp directory.</summary>
public sealed class EngineTestServer : IAsyncDisposable
{
    private readonly string _directory;

    private EngineTestServer(string directory, OutpostEngine engine, MongoWireServer server)
    {
        _directory = directory;
        Engine = engine;
        Server = server;
    }

    public OutpostEngine Engine { get; }
    public MongoWireServer Server { get; }

    public static async Task<EngineTestServer> StartAsync(bool auth = false)
    {
        string dir = Path.Combine(Path.GetTempPath(), "outpost-wire-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var engine = await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = Path.Combine(dir, "outpost.db") });
        var server = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
            new WireHostOptions { EnableTestCommands = true, AdvertisedAddress = "localhost:1", AuthenticationRequired = auth }, new EngineUserStore(engine), null,
            (registry, dispatcher, host) => EngineBinding.Bind(engine, registry, dispatcher, host));
        server.Start();
        return new EngineTestServer(dir, engine, server);
    }

    public async Task<CommandClient> ConnectAsync() => new(await RawWireClient.ConnectAsync(Server.LocalEndPoint));

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Engine.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
