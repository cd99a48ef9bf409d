using Outpost.Bson;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Transport;

/// <summary>
/// The adaptive transport over a real engine on SQLite: the benchmark's commands (insert of a batch, find by _id) complete
/// on the connection's own thread, so a busy connection keeps the cheap blocking path instead of falling back to the
/// thread pool after its first command.
/// </summary>
public sealed class AdaptiveEngineTests
{
    [Fact]
    public async Task Inserts_and_finds_by_id_on_sqlite_keep_the_connection_on_its_thread()
    {
        await using var server = await EngineTestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        for (int batch = 0; batch < 3; batch++)
        {
            var docs = new BsonArray();
            for (int i = 0; i < 200; i++) docs.Add(new BsonDocument { { "_id", batch * 1000 + i }, { "v", new string('x', 500) } });
            await client.RunOkAsync(new BsonDocument { { "insert", "c" }, { "documents", docs } }, "db");
        }
        for (int i = 0; i < 50; i++)
        {
            var reply = await client.RunOkAsync(new BsonDocument { { "find", "c" }, { "filter", new BsonDocument("_id", i) }, { "limit", 1 }, { "singleBatch", true } }, "db");
            Assert.Single(reply["cursor"].AsDocument["firstBatch"].AsArray);
        }
        Assert.Equal(1, server.Server.Transport.ConnectionThreadCount);
    }
}
