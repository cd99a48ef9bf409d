using Outpost.Bson;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public sealed class AuthTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public ValueTask InitializeAsync()
    {
        _server = TestServer.Start(auth: true, configure: o => o.MaxLoginFailures = 3);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task CreateAdminAsync(CommandClient client)
    {
        // The localhost exception lets the first user be created without credentials.
        await client.RunOkAsync(new BsonDocument { { "createUser", "admin" }, { "pwd", "s3cret" }, { "roles", new BsonArray { "root" } } });
    }

    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-1")]
    public async Task Scram_conversation_authenticates_and_unlocks_commands(string mechanism)
    {
        await using var client = await _server.ConnectAsync();
        await CreateAdminAsync(client);
        var denied = await client.RunAsync(new BsonDocument("serverStatus", 1));
        Assert.Equal(13, denied["code"].AsInt32);
        var done = await ScramClient.AuthenticateAsync(client, "admin", "s3cret", "admin", mechanism);
        Assert.True(done["done"].AsBoolean);
        await client.RunOkAsync(new BsonDocument("serverStatus", 1));
        var status = await client.RunOkAsync(new BsonDocument("connectionStatus", 1));
        Assert.Equal("admin", status["authInfo"].AsDocument["authenticatedUsers"].AsArray[0].AsDocument["user"].AsString);
    }

    [Fact]
    public async Task Wrong_password_fails_and_repeated_failures_are_throttled()
    {
        await using var client = await _server.ConnectAsync();
        await CreateAdminAsync(client);
        for (int i = 0; i < 3; i++)
        {
            var failed = await ScramClient.AuthenticateAsync(client, "admin", "wrong");
            Assert.Equal(18, failed["code"].AsInt32);
            Assert.Equal("AuthenticationFailed", failed["codeName"].AsString);
        }
        // Now even the right password is refused until the window passes.
        var throttled = await ScramClient.AuthenticateAsync(client, "admin", "s3cret");
        Assert.Equal(18, throttled["code"].AsInt32);
    }

    [Fact]
    public async Task Roles_are_enforced_per_database()
    {
        await using var admin = await _server.ConnectAsync();
        await CreateAdminAsync(admin);
        await ScramClient.AuthenticateAsync(admin, "admin", "s3cret");
        await admin.RunOkAsync(new BsonDocument { { "createUser", "reader" }, { "pwd", "pw" }, { "roles", new BsonArray { new BsonDocument { { "role", "read" }, { "db", "app" } } } } }, "app");
        var info = await admin.RunOkAsync(new BsonDocument("usersInfo", "reader"), "app");
        Assert.Equal("app.reader", info["users"].AsArray[0].AsDocument["_id"].AsString);
        Assert.False(info["users"].AsArray[0].AsDocument.Contains("credentials"));

        await using var reader = await _server.ConnectAsync();
        Assert.True((await ScramClient.AuthenticateAsync(reader, "reader", "pw", "app"))["done"].AsBoolean);
        var denied = await reader.RunAsync(new BsonDocument { { "createUser", "x" }, { "pwd", "y" }, { "roles", new BsonArray() } }, "app");
        Assert.Equal(13, denied["code"].AsInt32);
        var dup = await admin.RunAsync(new BsonDocument { { "createUser", "reader" }, { "pwd", "pw" }, { "roles", new BsonArray() } }, "app");
        Assert.Equal(51003, dup["code"].AsInt32);
        await admin.RunOkAsync(new BsonDocument { { "grantRolesToUser", "reader" }, { "roles", new BsonArray { "userAdmin" } } }, "app");
        await admin.RunOkAsync(new BsonDocument("dropUser", "reader"), "app");
        Assert.Equal(11, (await admin.RunAsync(new BsonDocument("dropUser", "reader"), "app"))["code"].AsInt32);
    }

    [Fact]
    public async Task Speculative_authentication_in_hello_returns_the_server_first_message()
    {
        await using var client = await _server.ConnectAsync();
        await CreateAdminAsync(client);
        var hello = await client.RunOkAsync(new BsonDocument
        {
            { "hello", 1 },
            { "saslSupportedMechs", "admin.admin" },
            {
                "speculativeAuthenticate", new BsonDocument
                {
                    { "saslStart", 1 }, { "mechanism", "SCRAM-SHA-256" }, { "db", "admin" },
                    { "payload", new BsonBinary("n,,n=admin,r=abcdefghijklmnop"u8) },
                }
            },
        });
        Assert.Equal(new BsonArray { "SCRAM-SHA-1", "SCRAM-SHA-256" }, hello["saslSupportedMechs"]);
        var spec = hello["speculativeAuthenticate"].AsDocument;
        Assert.False(spec["done"].AsBoolean);
        Assert.StartsWith("r=abcdefghijklmnop", System.Text.Encoding.UTF8.GetString(spec["payload"].AsBinary.Data.Span));
    }
}
