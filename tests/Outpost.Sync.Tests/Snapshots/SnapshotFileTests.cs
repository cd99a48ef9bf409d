using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Tests.Attachments;

namespace Outpost.Sync.Tests.Snapshots;

public sealed class SnapshotFileTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_bootstrapped_from_a_snapshot_file_then_pulling_incremental_changes_equals_the_server()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        var photos = server.App.GetCollection("photos");
        // Written by another path (as the wire protocol would): no merge metadata.
        var seeded = new List<BsonDocument>();
        for (int i = 0; i < 600; i++)
            seeded.Add(new BsonDocument { { "_id", $"s{i:D4}" }, { "dept", i % 4 == 0 ? "QA" : "PAINT" }, { "n", i }, { "tags", new BsonArray { "a", "b" } } });
        await photos.InsertAsync(seeded, cancellationToken: Ct);
        // Written through sync: with merge metadata, which the file must carry too.
        await using var writer = await OutpostClient.OpenAsync(server.Device("tablet-w", "PAINT"), cancellationToken: Ct);
        await writer.SyncNowAsync(cancellationToken: Ct);
        for (int i = 0; i < 20; i++) await writer.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", $"w{i:D2}" }, { "dept", "PAINT" }, { "note", "from w" } }, cancellationToken: Ct);
        await writer.Collection("photos").UpdateAsync(new BsonDocument("_id", "s0001"), new BsonDocument("$set", new BsonDocument("status", "checked")), cancellationToken: Ct);
        await writer.SyncNowAsync(cancellationToken: Ct);

        var options = server.Device("tablet-new", "PAINT");
        var info = await OutpostClient.BootstrapFromSnapshotFileAsync(options, cancellationToken: Ct);
        Assert.NotNull(info);
        Assert.Equal(450 + 20, info.Documents);
        await using var fresh = await OutpostClient.OpenAsync(options, cancellationToken: Ct);
        Assert.Equal("tablet-new", fresh.ClientId);
        Assert.Equal(info.Position, fresh.Checkpoint);
        Assert.Equal(470, (await fresh.Collection("photos").FindAsync(cancellationToken: Ct)).Count);
        Assert.Empty(await fresh.Collection("photos").FindAsync(new BsonDocument("dept", "QA"), cancellationToken: Ct));
        var serverCopy = (await (await photos.FindAsync(new FindOptions { Filter = new BsonDocument("_id", "w01") }, cancellationToken: Ct)).ToListAsync(Ct))[0];
        Assert.Equal(BsonSerializer.Serialize(serverCopy), BsonSerializer.Serialize((await fresh.Collection("photos").FindByIdAsync("w01", cancellationToken: Ct))!));

        // Changes after the file's position, by every path: other writers through sync, and direct engine writes.
        await photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("n", new BsonDocument("$lt", 40)), Update = new BsonDocument("$inc", new BsonDocument("n", 1000)), Multi = true }], cancellationToken: Ct);
        await photos.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", new BsonDocument("$in", new BsonArray { "s0041", "s0042", "s0043" })) }], cancellationToken: Ct);
        await photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "s0045"), Update = new BsonDocument("$set", new BsonDocument("dept", "QA")) }], cancellationToken: Ct);
        await photos.InsertAsync([new BsonDocument { { "_id", "s9999" }, { "dept", "PAINT" } }], cancellationToken: Ct);
        await writer.Collection("photos").UpdateAsync(new BsonDocument("_id", "w03"), new BsonDocument("$set", new BsonDocument("note", "edited")), cancellationToken: Ct);
        await writer.Collection("photos").DeleteAsync(new BsonDocument("_id", "w04"), cancellationToken: Ct);
        await writer.SyncNowAsync(cancellationToken: Ct);
        // The bootstrapped client writes too: its outbox and sequence start clean in the file.
        await fresh.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "n01" }, { "dept", "PAINT" } }, cancellationToken: Ct);

        await fresh.SyncNowAsync(cancellationToken: Ct);

        var expected = await SortedBytesAsync(photos, new BsonDocument("dept", "PAINT"));
        var actual = await SortedBytesAsync(fresh.Engine.GetDatabase("app").GetCollection("photos"), new BsonDocument());
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(Convert.ToHexString(expected[i]), Convert.ToHexString(actual[i]));
        Assert.True(await fresh.VerifyAsync(cancellationToken: Ct));
        Assert.Null(await OutpostClient.BootstrapFromSnapshotFileAsync(options, cancellationToken: Ct)); // the database exists now: no second bootstrap
    }

    private static async Task<List<byte[]>> SortedBytesAsync(Collection collection, BsonDocument filter)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("_id", 1) }, cancellationToken: Ct);
        var list = new List<byte[]>();
        await foreach (var doc in cursor) list.Add(BsonSerializer.Serialize(doc));
        return list;
    }
}
