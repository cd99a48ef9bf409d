using System.Net;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Hosting;
using Outpost.Wire.Protocol;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Tests.Support;

/// <summary>A real MongoWireServer on a loopback ephemeral port, and command helpers over raw frames.</summary>
public sealed class TestServer : IAsyncDisposable
{
    public MongoWireServer Server { get; }

    private TestServer(MongoWireServer server) => Server = server;

    public static TestServer Start(bool auth = false, bool testCommands = true, Action<WireHostOptions>? configure = null,
        Action<Outpost.Wire.Commands.CommandRegistry, Outpost.Wire.Commands.CommandDispatcher, WireHost>? families = null)
    {
        var options = new WireHostOptions { AdvertisedAddress = "localhost:27017", AuthenticationRequired = auth, EnableTestCommands = testCommands };
        configure?.Invoke(options);
        var server = new MongoWireServer(new WireServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, options, configure: families);
        server.Start();
        return new TestServer(server);
    }

    public async Task<CommandClient> ConnectAsync() => new(await RawWireClient.ConnectAsync(Server.LocalEndPoint));

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}

public sealed class CommandClient(RawWireClient raw) : IAsyncDisposable
{
    public RawWireClient Raw { get; } = raw;

    public async Task<BsonDocument> RunAsync(BsonDocument command, string db = "admin", OpMsgFlags flags = OpMsgFlags.None)
    {
        command = command.DeepClone();
        if (!command.Contains("$db")) command.Add("$db", db);
        await Raw.SendRawAsync(Raw.BuildMsg(BsonSerializer.Serialize(command), flags));
        var reply = await Raw.ReceiveAsync();
        return BsonSerializer.Deserialize(reply.Body);
    }

    public async Task<BsonDocument> RunOkAsync(BsonDocument command, string db = "admin")
    {
        var reply = await RunAsync(command, db);
        Assert.True(reply["ok"].ToDouble() == 1, reply.ToString());
        return reply;
    }

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
