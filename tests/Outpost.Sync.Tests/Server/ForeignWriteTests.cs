using Outpost.Bson;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.Server;

/// <summary>Writes made by other paths (here: the engine directly, as the wire protocol does) reach devices and get stamped.</summary>
public sealed class ForeignWriteTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_stamper_stamps_foreign_writes_as_the_server_and_leaves_sync_writes_alone()
    {
        await using var server = await SyncTestServer.StartAsync();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var stamper = Task.Run(() => server.Service.RunForeignWriteStamperAsync(stop.Token), Ct);
        await Task.Delay(100, Ct);
        await server.Photos.InsertAsync([new BsonDocument { { "_id", "w1" }, { "departmentId", "PAINT" }, { "title", "from the wire" } }], cancellationToken: Ct);
        var meta = await WaitForMetaAsync(server, "w1", m => m.Version?.Node == "server");

        await using var device = await OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = server.DevicePath("d"), Transport = new NetworkSimulator(server.Service, 1), ClientId = "tablet-1",
            TokenProvider = _ => ValueTask.FromResult<string?>(SyncTestServer.Token("t", "PAINT")), Subscriptions = [new SyncSubscription("photos", "photos")],
        }, Ct);
        await device.SyncNowAsync(Ct);
        Assert.Equal("from the wire", (await device.Collection("photos").FindByIdAsync("w1", Ct))!["title"].AsString);
        await device.Collection("photos").UpdateAsync(new BsonDocument("_id", "w1"), new BsonDocument("$set", new BsonDocument("tags", new BsonArray { "ok" })), cancellationToken: Ct);
        await device.SyncNowAsync(Ct);
        await Task.Delay(300, Ct);
        meta = await WaitForMetaAsync(server, "w1", m => m.Version?.Node == "tablet-1");
        Assert.Equal("server", meta.Stamps[""].Node); // the wire version, stamped once
        await server.Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "w1"), Update = new BsonDocument("$set", new BsonDocument("title", "edited on the wire")) }], cancellationToken: Ct);
        await WaitForMetaAsync(server, "w1", m => m.Version?.Node == "server");
        await device.SyncNowAsync(Ct);
        var local = await device.Collection("photos").FindByIdAsync("w1", Ct);
        Assert.Equal("edited on the wire", local!["title"].AsString);
        await stop.CancelAsync();
        await stamper;
    }

    private static async Task<SyncMetadata> WaitForMetaAsync(SyncTestServer server, string id, Func<SyncMetadata, bool> condition)
    {
        var metas = server.Engine.GetDatabase("app").GetCollection("__sync_meta");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var cursor = await metas.FindAsync(new FindOptions { Filter = new BsonDocument("_id", new BsonDocument { { "c", "photos" }, { "i", id } }) }, cancellationToken: Ct);
            var found = (await cursor.ToListAsync(Ct)).FirstOrDefault();
            if (found is not null)
            {
                var meta = SyncMetadata.FromBson(found["m"].AsDocument);
                if (condition(meta)) return meta;
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"metadata of {id} never satisfied the condition: {found}");
            await Task.Delay(20, Ct);
        }
    }
}
