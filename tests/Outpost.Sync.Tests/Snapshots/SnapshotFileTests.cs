using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Protocol;
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

    [Fact]
    public async Task Overlapping_subscriptions_put_each_document_in_the_file_once_with_its_metadata()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        var photos = server.App.GetCollection("photos");
        var seeded = new List<BsonDocument>();
        for (int i = 0; i < 300; i++)
            seeded.Add(new BsonDocument { { "_id", i }, { "dept", i % 3 == 0 ? "QA" : "PAINT" }, { "status", i % 2 == 0 ? "checked" : "open" } });
        await photos.InsertAsync(seeded, cancellationToken: Ct);
        await using (var writer = await OutpostClient.OpenAsync(server.Device("tablet-w", "PAINT"), cancellationToken: Ct))
        {
            await writer.SyncNowAsync(cancellationToken: Ct);
            await writer.Collection("photos").UpdateAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("note", "synced edit")), cancellationToken: Ct);
            await writer.SyncNowAsync(cancellationToken: Ct);
        }

        var device = server.Device("tablet-both", "PAINT");
        var options = new ClientOptions
        {
            DatabasePath = device.DatabasePath, ClientId = device.ClientId, Transport = device.Transport, TokenProvider = device.TokenProvider,
            Subscriptions = [new SyncSubscription("all", "photos"), new SyncSubscription("checked", "photos", new BsonDocument("status", "checked"))],
        };
        var info = await OutpostClient.BootstrapFromSnapshotFileAsync(options, cancellationToken: Ct);
        Assert.NotNull(info);
        Assert.Equal(200 + 100, info.Documents); // each subscription counts what it matched
        await using var fresh = await OutpostClient.OpenAsync(options, cancellationToken: Ct);
        var expected = await SortedBytesAsync(photos, new BsonDocument("dept", "PAINT"));
        var actual = await SortedBytesAsync(fresh.Engine.GetDatabase("app").GetCollection("photos"), new BsonDocument());
        Assert.Equal(expected.Select(Convert.ToHexString), actual.Select(Convert.ToHexString));
        var records = fresh.Engine.GetDatabase("outpost_sync").GetCollection("docs");
        Assert.Equal(200, await records.CountAsync(cancellationToken: Ct));
        var record = (await (await records.FindAsync(new FindOptions { Filter = new BsonDocument("_id", new BsonDocument { { "c", "photos" }, { "i", 1 } }) }, cancellationToken: Ct)).ToListAsync(Ct)).Single();
        Assert.IsType<BsonDocument>(record["bmeta"]); // the merge metadata of a document written through sync came along
        Assert.True(await fresh.VerifyAsync(cancellationToken: Ct));

        // The bootstrapped client's own edit of that document merges as an edit of the server's version.
        await fresh.Collection("photos").UpdateAsync(new BsonDocument("_id", 1), new BsonDocument("$set", new BsonDocument("status", "open")), cancellationToken: Ct);
        await fresh.SyncNowAsync(cancellationToken: Ct);
        var merged = (await (await photos.FindAsync(new FindOptions { Filter = new BsonDocument("_id", 1) }, cancellationToken: Ct)).ToListAsync(Ct)).Single();
        Assert.Equal("open", merged["status"].AsString);
        Assert.Equal("synced edit", merged["note"].AsString);
    }

    [Fact]
    public async Task Writes_made_while_the_file_is_built_are_neither_lost_nor_doubled_after_the_first_pull()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        var photos = server.App.GetCollection("photos");
        var seeded = new List<BsonDocument>();
        for (int i = 0; i < 4000; i++)
            seeded.Add(new BsonDocument { { "_id", i }, { "dept", "PAINT" }, { "n", 0 }, { "pad", new string('x', 500) } });
        await photos.InsertAsync(seeded, cancellationToken: Ct);

        using var stop = new CancellationTokenSource();
        int writes = 0;
        var writer = Task.Run(async () =>
        {
            // Updates, inserts and deletes spread over the key range while the build reads it.
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                int id = (i * 7919) % 4000;
                await photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$inc", new BsonDocument("n", 1)) }], cancellationToken: Ct);
                await photos.InsertAsync([new BsonDocument { { "_id", 10_000 + i }, { "dept", "PAINT" }, { "n", i } }], cancellationToken: Ct);
                if (i % 5 == 0) await photos.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", (id + 1) % 4000), Limit = 1 }], cancellationToken: Ct);
                Interlocked.Increment(ref writes);
            }
        }, Ct);
        while (Volatile.Read(ref writes) < 5) await Task.Delay(5, Ct);
        var options = server.Device("tablet-new", "PAINT");
        var info = await OutpostClient.BootstrapFromSnapshotFileAsync(options, cancellationToken: Ct);
        int duringBuild = Volatile.Read(ref writes);
        await Task.Delay(50, Ct);
        await stop.CancelAsync();
        await writer;
        Assert.NotNull(info);
        Assert.True(Volatile.Read(ref writes) > duringBuild, "the writer kept writing after the build");

        await using var fresh = await OutpostClient.OpenAsync(options, cancellationToken: Ct);
        await fresh.SyncNowAsync(cancellationToken: Ct);
        var expected = await SortedBytesAsync(photos, new BsonDocument("dept", "PAINT"));
        var actual = await SortedBytesAsync(fresh.Engine.GetDatabase("app").GetCollection("photos"), new BsonDocument());
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++) Assert.Equal(Convert.ToHexString(expected[i]), Convert.ToHexString(actual[i]));
        // One record holding a server copy per document (records of deleted documents stay, without a copy).
        Assert.Equal(expected.Count, await fresh.Engine.GetDatabase("outpost_sync").GetCollection("docs").CountAsync(
            new CountOptions { Filter = new BsonDocument("base", new BsonDocument("$ne", BsonNull.Value)) }, cancellationToken: Ct));
        Assert.True(await fresh.VerifyAsync(cancellationToken: Ct));
    }

    private static async Task<List<byte[]>> SortedBytesAsync(Collection collection, BsonDocument filter)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("_id", 1) }, cancellationToken: Ct);
        var list = new List<byte[]>();
        await foreach (var doc in cursor) list.Add(BsonSerializer.Serialize(doc));
        return list;
    }
}
