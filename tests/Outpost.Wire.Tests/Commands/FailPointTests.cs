using Outpost.Bson;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public sealed class FailPointTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = TestServer.Start(testCommands: true);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static BsonDocument FailPoint(BsonValue mode, BsonDocument data) => new()
    {
        { "configureFailPoint", "failCommand" }, { "mode", mode }, { "data", data },
    };

    [Fact]
    public async Task Without_the_flag_configureFailPoint_does_not_exist()
    {
        await using var server = TestServer.Start(testCommands: false);
        await using var client = await server.ConnectAsync();
        var reply = await client.RunAsync(FailPoint("alwaysOn", new BsonDocument("failCommands", new BsonArray { "ping" })));
        Assert.Equal(59, reply["code"].AsInt32);
    }

    [Fact]
    public async Task Times_mode_fails_n_commands_with_the_code_and_labels()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("times", 2), new BsonDocument
        {
            { "failCommands", new BsonArray { "ping" } }, { "errorCode", 91 }, { "errorLabels", new BsonArray { "Custom" } },
        }));
        for (int i = 0; i < 2; i++)
        {
            var failed = await client.RunAsync(new BsonDocument("ping", 1));
            Assert.Equal(91, failed["code"].AsInt32);
            Assert.Equal("ShutdownInProgress", failed["codeName"].AsString);
            Assert.Equal(new BsonArray { "Custom" }, failed["errorLabels"]);
        }
        await client.RunOkAsync(new BsonDocument("ping", 1));
    }

    [Fact]
    public async Task Skip_mode_lets_the_first_n_through_then_fails_until_off()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("skip", 1), new BsonDocument { { "failCommands", new BsonArray { "ping" } }, { "errorCode", 2 } }));
        await client.RunOkAsync(new BsonDocument("ping", 1));
        Assert.Equal(2, (await client.RunAsync(new BsonDocument("ping", 1)))["code"].AsInt32);
        Assert.Equal(2, (await client.RunAsync(new BsonDocument("ping", 1)))["code"].AsInt32);
        var off = await client.RunOkAsync(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } });
        Assert.Equal(2, off["count"].ToInt64());
        await client.RunOkAsync(new BsonDocument("ping", 1));
    }

    [Fact]
    public async Task ActivationProbability_zero_never_and_one_always_fires()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("activationProbability", 0.0), new BsonDocument { { "failCommands", new BsonArray { "ping" } }, { "errorCode", 2 } }));
        for (int i = 0; i < 5; i++) await client.RunOkAsync(new BsonDocument("ping", 1));
        await client.RunOkAsync(FailPoint(new BsonDocument("activationProbability", 1.0), new BsonDocument { { "failCommands", new BsonArray { "ping" } }, { "errorCode", 2 } }));
        for (int i = 0; i < 5; i++) Assert.Equal(2, (await client.RunAsync(new BsonDocument("ping", 1)))["code"].AsInt32);
    }

    [Fact]
    public async Task CloseConnection_drops_the_connection_without_reply()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "ping" } }, { "closeConnection", true } }));
        await client.Raw.SendRawAsync(client.Raw.BuildMsg(Bson.Serialization.BsonSerializer.Serialize(new BsonDocument { { "ping", 1 }, { "$db", "admin" } })));
        Assert.True(await client.Raw.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        await using var next = await _server.ConnectAsync();
        await next.RunOkAsync(new BsonDocument("ping", 1));
    }

    [Fact]
    public async Task BlockConnection_delays_and_appName_and_writeConcernError_apply()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument { { "hello", 1 }, { "client", new BsonDocument("application", new BsonDocument("name", "blocked")) } });
        await using var other = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint("alwaysOn", new BsonDocument
        {
            { "failCommands", new BsonArray { "ping" } }, { "blockConnection", true }, { "blockTimeMS", 300 }, { "appName", "blocked" },
            { "writeConcernError", new BsonDocument { { "code", 91 }, { "errmsg", "Replication is being shut down" } } },
        }));
        var started = DateTime.UtcNow;
        var reply = await client.RunOkAsync(new BsonDocument("ping", 1));
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250));
        Assert.Equal(91, reply["writeConcernError"].AsDocument["code"].AsInt32);
        started = DateTime.UtcNow;
        var unaffected = await other.RunOkAsync(new BsonDocument("ping", 1));
        Assert.False(unaffected.Contains("writeConcernError"));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(250));
        await client.RunOkAsync(new BsonDocument { { "configureFailPoint", "failCommand" }, { "mode", "off" } });
    }

    [Fact]
    public async Task Hello_fails_only_when_listed()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("times", 1), new BsonDocument { { "failCommands", new BsonArray { "hello" } }, { "errorCode", 10107 } }));
        await client.RunOkAsync(new BsonDocument("isMaster", 1));
        Assert.Equal(10107, (await client.RunAsync(new BsonDocument("hello", 1)))["code"].AsInt32);
    }

    [Fact]
    public async Task MaxTimeMS_is_enforced_with_code_50()
    {
        await using var client = await _server.ConnectAsync();
        await client.RunOkAsync(FailPoint(new BsonDocument("times", 1), new BsonDocument
        {
            { "failCommands", new BsonArray { "ping" } }, { "blockConnection", true }, { "blockTimeMS", 10 },
        }));
        await client.RunOkAsync(new BsonDocument { { "configureFailPoint", "maxTimeAlwaysTimeOut" }, { "mode", new BsonDocument("times", 1) } });
        var reply = await client.RunAsync(new BsonDocument { { "ping", 1 }, { "maxTimeMS", 1000 } });
        Assert.Equal(50, reply["code"].AsInt32);
        Assert.Equal("MaxTimeMSExpired", reply["codeName"].AsString);
    }
}
