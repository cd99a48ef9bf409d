using Outpost.Bson;
using Outpost.Wire.Auth;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public class EngineAuthTests
{
    [Fact]
    public async Task Users_are_stored_salted_in_the_engine_and_authenticate()
    {
        await using var server = await EngineTestServer.StartAsync(auth: true);
        await using var client = await server.ConnectAsync();
        await client.RunOkAsync(new BsonDocument { { "createUser", "app" }, { "pwd", "pa55" }, { "roles", new BsonArray { "readWriteAnyDatabase", "userAdminAnyDatabase" } } });
        Assert.Equal(13, (await client.RunAsync(new BsonDocument { { "insert", "c" }, { "documents", new BsonArray { new BsonDocument() } } }, "data"))["code"].AsInt32);
        Assert.True((await ScramClient.AuthenticateAsync(client, "app", "pa55"))["done"].AsBoolean);
        await client.RunOkAsync(new BsonDocument { { "insert", "c" }, { "documents", new BsonArray { new BsonDocument() } } }, "data");

        var stored = await new EngineUserStore(server.Engine).FindAsync("admin", "app", TestContext.Current.CancellationToken);
        Assert.NotNull(stored);
        Assert.NotNull(stored!.Sha256);
        Assert.Equal(15_000, stored.Sha256!.Iterations);
        var raw = EngineUserStore.ToDocument(stored);
        Assert.DoesNotContain("pa55", raw.ToString(), StringComparison.Ordinal);
        Assert.Equal("admin.app", raw["_id"].AsString);
    }
}
