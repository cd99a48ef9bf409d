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

    [Fact]
    public async Task An_offline_edit_made_after_a_foreign_write_wins_though_the_push_is_the_first_to_see_that_write()
    {
        // No stamper runs: the push is where sync first meets the foreign version. It must be stamped with the time it
        // was written (t1), not the time the push noticed it (after t2), or the later device edit loses.
        await using var server = await SyncTestServer.StartAsync();
        await using var device = await OpenDeviceAsync(server, "tablet-1");
        await SeedAsync(device, "f1");

        await server.Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "f1"), Update = new BsonDocument("$set", new BsonDocument("title", "from the wire")) }], cancellationToken: Ct);
        await Task.Delay(40, Ct);
        await device.Collection("photos").UpdateAsync(new BsonDocument("_id", "f1"), new BsonDocument("$set", new BsonDocument("title", "from the device")), cancellationToken: Ct);
        await Task.Delay(40, Ct);
        await device.SyncNowAsync(Ct);

        Assert.Equal("from the device", await ServerTitleAsync(server, "f1"));
        Assert.Equal("from the device", (await device.Collection("photos").FindByIdAsync("f1", Ct))!["title"].AsString);
    }

    [Fact]
    public async Task A_foreign_write_made_after_an_offline_edit_wins()
    {
        await using var server = await SyncTestServer.StartAsync();
        await using var device = await OpenDeviceAsync(server, "tablet-1");
        await SeedAsync(device, "f2");

        await device.Collection("photos").UpdateAsync(new BsonDocument("_id", "f2"), new BsonDocument("$set", new BsonDocument("title", "from the device")), cancellationToken: Ct);
        await Task.Delay(40, Ct);
        await server.Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "f2"), Update = new BsonDocument("$set", new BsonDocument("title", "from the wire")) }], cancellationToken: Ct);
        await Task.Delay(40, Ct);
        await device.SyncNowAsync(Ct);

        Assert.Equal("from the wire", await ServerTitleAsync(server, "f2"));
        Assert.Equal("from the wire", (await device.Collection("photos").FindByIdAsync("f2", Ct))!["title"].AsString);
        var meta = await WaitForMetaAsync(server, "f2", _ => true);
        Assert.Equal("server", meta.Version!.Value.Node);
    }

    [Fact]
    public async Task The_stamper_stamps_a_foreign_write_with_its_commit_time_not_the_time_it_runs()
    {
        await using var server = await SyncTestServer.StartAsync();
        await using var device = await OpenDeviceAsync(server, "tablet-1");
        await SeedAsync(device, "f3");
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await server.Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "f3"), Update = new BsonDocument("$set", new BsonDocument("title", "from the wire")) }], cancellationToken: Ct);
        long after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await Task.Delay(300, Ct);
        Assert.Equal(1, await server.Service.CatchUpForeignWritesAsync(Ct));
        var meta = await WaitForMetaAsync(server, "f3", m => m.Version?.Node == "server");
        Assert.InRange(meta.Version!.Value.Time.WallMilliseconds, before, after);
        Assert.Equal(0, await server.Service.CatchUpForeignWritesAsync(Ct)); // stamped once
    }

    private static async Task<string> ServerTitleAsync(SyncTestServer server, string id)
    {
        await using var cursor = await server.Photos.FindAsync(new FindOptions { Filter = new BsonDocument("_id", id) }, cancellationToken: Ct);
        return (await cursor.ToListAsync(Ct)).Single()["title"].AsString;
    }

    private static Task<OutpostClient> OpenDeviceAsync(SyncTestServer server, string clientId) =>
        OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = server.DevicePath(clientId), Transport = new NetworkSimulator(server.Service, 1), ClientId = clientId,
            TokenProvider = _ => ValueTask.FromResult<string?>(SyncTestServer.Token("t", "PAINT")), Subscriptions = [new SyncSubscription("photos", "photos")],
        }, Ct);

    /// <summary>A document created on the device and synced, so both sides hold the same stamped version.</summary>
    private static async Task SeedAsync(OutpostClient device, string id)
    {
        await device.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", id }, { "departmentId", "PAINT" }, { "title", "original" } }, Ct);
        await device.SyncNowAsync(Ct);
        Assert.Equal(0, await device.CountPendingAsync(Ct));
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
