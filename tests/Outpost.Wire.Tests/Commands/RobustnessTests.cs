using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Wire.Compression;
using Outpost.Wire.Tests.Support;

namespace Outpost.Wire.Tests.Commands;

public class RobustnessTests
{
    [Fact]
    public async Task Corrupted_commands_on_several_connections_never_disturb_a_well_behaved_client()
    {
        await using var server = await EngineTestServer.StartAsync();
        await using var good = await server.ConnectAsync();
        var random = new Random(42);
        var valid = BsonSerializer.Serialize(new BsonDocument
        {
            { "insert", "victim" }, { "documents", new BsonArray { new BsonDocument { { "a", 1 }, { "s", "text" }, { "d", new BsonDocument("x", 1.5) } } } }, { "$db", "t" },
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int sent = 0;
        for (int round = 0; round < 30 && DateTime.UtcNow < deadline; round++)
        {
            var tasks = new List<Task>();
            for (int c = 0; c < 4; c++)
            {
                byte[] body = (byte[])valid.Clone();
                // Flip bytes inside the document but keep the outer length, so the BSON decoder itself meets the garbage.
                for (int i = 4; i < body.Length - 1; i++) if (random.Next(8) == 0) body[i] = (byte)random.Next(256);
                bool compress = random.Next(2) == 0;
                tasks.Add(Task.Run(async () =>
                {
                    await using var evil = await server.ConnectAsync();
                    byte[] frame = evil.Raw.BuildMsg(body);
                    if (compress) frame = RawWireClient.Compress(frame, CompressorId.Snappy);
                    try
                    {
                        await evil.Raw.SendRawAsync(frame);
                        await evil.Raw.IsClosedByServerAsync(TimeSpan.FromMilliseconds(100));
                    }
                    catch (IOException)
                    {
                    }
                }, TestContext.Current.CancellationToken));
                sent++;
            }
            await Task.WhenAll(tasks);
            await good.RunOkAsync(new BsonDocument { { "insert", "ok" }, { "documents", new BsonArray { new BsonDocument("round", round) } } }, "t");
        }
        var count = await good.RunOkAsync(new BsonDocument("count", "ok"), "t");
        Assert.True(count["n"].AsInt32 >= 1);
        Assert.True(sent >= 4);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(1, server.Server.Transport.ConnectionCount);
    }
}
