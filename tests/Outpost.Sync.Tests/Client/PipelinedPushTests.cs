using Outpost.Bson;
using Outpost.Client;
using Outpost.Sync.Protocol;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.Client;

/// <summary>
/// The device sends push batch n+1 while it applies the reply to batch n. Documents edited in several batches, a
/// rejected operation between accepted ones and replies applied while later operations of the same document are still
/// on the wire must end exactly as a one-batch-at-a-time push would: every operation applied once, in order.
/// </summary>
public sealed class PipelinedPushTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Operations_spread_over_many_small_batches_are_applied_once_in_order_with_rejections_in_between()
    {
        await using var server = await SyncTestServer.StartAsync();
        await using var a = await OpenAsync(server, "dev-a", pushBatchSize: 2);
        var photos = a.Collection("photos");
        await photos.InsertOneAsync(new BsonDocument { { "_id", "d1" }, { "departmentId", "PAINT" }, { "x", 0 } }, Ct);
        await photos.InsertOneAsync(new BsonDocument { { "_id", "d2" }, { "departmentId", "PAINT" }, { "y", 0 } }, Ct);
        await photos.UpdateAsync(new BsonDocument("_id", "d1"), new BsonDocument("$set", new BsonDocument("x", 1)), cancellationToken: Ct);
        // Outside the token's department: the server rejects it, between accepted operations of the same batches.
        await photos.InsertOneAsync(new BsonDocument { { "_id", "bad" }, { "departmentId", "QA" } }, Ct);
        await photos.UpdateAsync(new BsonDocument("_id", "d1"), new BsonDocument("$set", new BsonDocument("x", 2)), cancellationToken: Ct);
        await photos.UpdateAsync(new BsonDocument("_id", "d2"), new BsonDocument("$set", new BsonDocument("y", 1)), cancellationToken: Ct);
        await photos.UpdateAsync(new BsonDocument("_id", "d1"), new BsonDocument("$inc", new BsonDocument("x", 10)), cancellationToken: Ct);
        await photos.InsertOneAsync(new BsonDocument { { "_id", "d3" }, { "departmentId", "PAINT" } }, Ct);
        Assert.Equal(8, await a.CountPendingAsync(Ct));

        await a.SyncNowAsync(Ct);

        Assert.Equal(0, await a.CountPendingAsync(Ct));
        Assert.Equal(12, (await ServerDocAsync(server, "d1", Ct))!["x"].ToInt64());
        Assert.Equal(1, (await ServerDocAsync(server, "d2", Ct))!["y"].ToInt64());
        Assert.NotNull(await ServerDocAsync(server, "d3", Ct));
        Assert.Null(await ServerDocAsync(server, "bad", Ct));
        Assert.Equal(12, (await photos.FindByIdAsync("d1", Ct))!["x"].ToInt64());
        Assert.Null(await photos.FindByIdAsync("bad", Ct)); // rebased on the server's (absent) copy
        Assert.Equal(SyncStatus.Synced, await photos.GetSyncStatusAsync("d1", Ct));
        Assert.Equal(SyncStatus.Synced, await photos.GetSyncStatusAsync("d2", Ct));
        Assert.Equal(SyncStatus.Failed, await photos.GetSyncStatusAsync("bad", Ct));
        var rejection = Assert.Single(await a.GetConflictsAsync(cancellationToken: Ct));
        Assert.Equal("bad", rejection.DocumentId.AsString);
        Assert.True(await a.VerifyAsync(Ct)); // the device's server copies are the server's bytes

        // Pushing again sends nothing; a second device sees the same documents.
        await a.SyncNowAsync(Ct);
        Assert.Equal(12, (await ServerDocAsync(server, "d1", Ct))!["x"].ToInt64());
        await using var b = await OpenAsync(server, "dev-b", pushBatchSize: 2);
        await b.SyncNowAsync(Ct);
        Assert.Equal(12, (await b.Collection("photos").FindByIdAsync("d1", Ct))!["x"].ToInt64());
        Assert.Equal(3, (await b.Collection("photos").FindAsync(cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task Edits_made_while_a_push_round_runs_are_pushed_in_order_by_the_next_round()
    {
        await using var server = await SyncTestServer.StartAsync();
        await using var a = await OpenAsync(server, "dev-a", pushBatchSize: 3);
        var photos = a.Collection("photos");
        for (int i = 0; i < 20; i++)
            await photos.InsertOneAsync(new BsonDocument { { "_id", $"p{i}" }, { "departmentId", "PAINT" }, { "n", 0 } }, Ct);
        var round = a.SyncNowAsync(Ct);
        for (int i = 0; i < 20; i++)
            await photos.UpdateAsync(new BsonDocument("_id", $"p{i % 5}"), new BsonDocument("$inc", new BsonDocument("n", 1)), cancellationToken: Ct);
        await round;
        await a.SyncNowAsync(Ct);

        Assert.Equal(0, await a.CountPendingAsync(Ct));
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal(4, (await ServerDocAsync(server, $"p{i}", Ct))!["n"].ToInt64());
            Assert.Equal(4, (await photos.FindByIdAsync($"p{i}", Ct))!["n"].ToInt64());
        }
        Assert.Equal(20, await server.Photos.CountAsync(cancellationToken: Ct));
        Assert.True(await a.VerifyAsync(Ct));
    }

    private static async Task<BsonDocument?> ServerDocAsync(SyncTestServer server, string id, CancellationToken cancellationToken)
    {
        await using var cursor = await server.Photos.FindAsync(new Engine.FindOptions { Filter = new BsonDocument("_id", id) }, cancellationToken: cancellationToken);
        var docs = await cursor.ToListAsync(cancellationToken);
        return docs.Count == 0 ? null : docs[0];
    }

    private static Task<OutpostClient> OpenAsync(SyncTestServer server, string clientId, int pushBatchSize) =>
        OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = server.DevicePath(clientId), Transport = new NetworkSimulator(server.Service, 3), ClientId = clientId,
            TokenProvider = _ => ValueTask.FromResult<string?>(SyncTestServer.Token("t", "PAINT")), Subscriptions = [new SyncSubscription("photos", "photos")],
            PushBatchSize = pushBatchSize,
        }, Ct);
}
