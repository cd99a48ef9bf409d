using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Policies;
using Outpost.Sync.Protocol;
using Outpost.Sync.Tests.Simulation;

namespace Outpost.Sync.Tests.Client;

/// <summary>The device SDK offline: local-first writes, durable outbox, statuses, policies, progress, schema versions.</summary>
public sealed class OfflineClientTests : IAsyncLifetime
{
    private SyncTestServer _server = null!;
    private readonly string _token = SyncTestServer.Token("tablet", "PAINT");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SyncTestServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private ClientOptions Options(NetworkSimulator network, string name = "dev-1", Func<NetworkCondition>? condition = null, int schema = 1,
        IReadOnlyDictionary<int, Func<Engine.Database, CancellationToken, Task>>? migrations = null, bool subscribe = true) => new()
    {
        DatabasePath = _server.DevicePath(name), Transport = network, ClientId = name, TokenProvider = _ => ValueTask.FromResult<string?>(_token),
        Subscriptions = subscribe ? [new SyncSubscription("photos", "photos")] : [], Network = condition ?? (() => NetworkCondition.Unmetered),
        SchemaVersion = schema, Migrations = migrations ?? new Dictionary<int, Func<Engine.Database, CancellationToken, Task>>(), PullBatchSize = 2,
    };

    [Fact]
    public async Task Offline_writes_survive_a_restart_and_sync_once_the_network_is_back()
    {
        var network = new NetworkSimulator(_server.Service, 7) { Faults = new NetworkFaults { Offline = true } };
        await using (var device = await OutpostClient.OpenAsync(Options(network), Ct))
        {
            var photos = device.Collection("photos");
            await photos.InsertOneAsync(new BsonDocument { { "_id", "a" }, { "departmentId", "PAINT" }, { "tags", new BsonArray { "dent" } } }, Ct);
            await photos.UpdateAsync(new BsonDocument("_id", "a"), new BsonDocument("$addToSet", new BsonDocument("tags", "scratch")), cancellationToken: Ct);
            await Assert.ThrowsAsync<Outpost.Sync.Transport.SyncTransportException>(() => device.SyncNowAsync(Ct));
            Assert.Equal(SyncStatus.Pending, await photos.GetSyncStatusAsync("a", Ct));
            Assert.Single(await photos.FindAsync(new BsonDocument("tags", "scratch"), cancellationToken: Ct));
        }
        network.Faults = NetworkFaults.None;
        await using (var device = await OutpostClient.OpenAsync(Options(network), Ct))
        {
            Assert.Equal(2, await device.CountPendingAsync(Ct));
            await device.SyncNowAsync(Ct);
            Assert.Equal(0, await device.CountPendingAsync(Ct));
            Assert.Equal(SyncStatus.Synced, await device.Collection("photos").GetSyncStatusAsync("a", Ct));
            var onServer = (await (await _server.Photos.FindAsync(cancellationToken: Ct)).ToListAsync(Ct)).Single();
            Assert.Equal(new BsonArray { "dent", "scratch" }.ToString(), onServer["tags"].ToString());
            Assert.Equal(onServer.ToString(), (await device.Collection("photos").FindByIdAsync("a", Ct))!.ToString());
            Assert.True(await device.VerifyAsync(Ct));
        }
    }

    [Fact]
    public async Task A_batch_of_updates_commits_once_sees_its_own_earlier_edits_and_syncs_each_as_an_operation()
    {
        var network = new NetworkSimulator(_server.Service, 11);
        await using var device = await OutpostClient.OpenAsync(Options(network), Ct);
        var photos = device.Collection("photos");
        await photos.InsertAsync([new BsonDocument { { "_id", "a" }, { "departmentId", "PAINT" }, { "n", 1 } }, new BsonDocument { { "_id", "b" }, { "departmentId", "PAINT" }, { "n", 1 } }], Ct);
        await device.SyncNowAsync(Ct);
        int changed = await photos.UpdateBatchAsync(
        [
            (new BsonDocument("_id", "a"), new BsonDocument("$inc", new BsonDocument("n", 1))),
            (new BsonDocument("_id", "a"), new BsonDocument("$inc", new BsonDocument("n", 10))),   // sees the first edit
            (new BsonDocument { { "_id", "b" }, { "n", 1 } }, new BsonDocument("$set", new BsonDocument("label", "x"))),
            (new BsonDocument("_id", "missing"), new BsonDocument("$set", new BsonDocument("label", "y"))),  // matches nothing
        ], Ct);
        Assert.Equal(3, changed);
        Assert.Equal(3, await device.CountPendingAsync(Ct));
        Assert.Equal(12, (await photos.FindByIdAsync("a", Ct))!["n"].ToInt64());
        Assert.Equal(SyncStatus.Pending, await photos.GetSyncStatusAsync("b", Ct));
        await device.SyncNowAsync(Ct);
        Assert.Equal(0, await device.CountPendingAsync(Ct));
        var onServer = await (await _server.Photos.FindAsync(cancellationToken: Ct)).ToListAsync(Ct);
        Assert.Equal(12, onServer.Single(d => d["_id"].AsString == "a")["n"].ToInt64());
        Assert.Equal("x", onServer.Single(d => d["_id"].AsString == "b")["label"].AsString);
        Assert.Equal(SyncStatus.Synced, await photos.GetSyncStatusAsync("a", Ct));
        Assert.True(await device.VerifyAsync(Ct));
    }

    [Fact]
    public async Task An_acknowledged_write_reads_as_synced_even_when_no_pull_brings_it_back()
    {
        // Acknowledgements no longer rewrite each record's "pending"; with no subscription nothing is pulled back either,
        // so only the empty outbox can tell that the write was accepted.
        var network = new NetworkSimulator(_server.Service, 13);
        await using var device = await OutpostClient.OpenAsync(Options(network, subscribe: false), Ct);
        var photos = device.Collection("photos");
        await photos.InsertOneAsync(new BsonDocument { { "_id", "w" }, { "departmentId", "PAINT" } }, Ct);
        await photos.InsertOneAsync(new BsonDocument { { "_id", "v" }, { "departmentId", "PAINT" } }, Ct);
        Assert.Equal(SyncStatus.Pending, await photos.GetSyncStatusAsync("w", Ct));
        await device.SyncNowAsync(Ct);
        Assert.Equal(0, await device.CountPendingAsync(Ct));
        Assert.Equal(SyncStatus.Synced, await photos.GetSyncStatusAsync("w", Ct));
        await photos.UpdateAsync(new BsonDocument("_id", "w"), new BsonDocument("$set", new BsonDocument("n", 1)), cancellationToken: Ct);
        Assert.Equal(SyncStatus.Pending, await photos.GetSyncStatusAsync("w", Ct));
        Assert.Equal(SyncStatus.Synced, await photos.GetSyncStatusAsync("v", Ct));
        Assert.Single(await (await _server.Photos.FindAsync(cancellationToken: Ct)).ToListAsync(Ct), d => d["_id"].AsString == "w");
    }

    [Fact]
    public async Task A_batch_with_an_update_that_changes_the_id_fails_whole()
    {
        var network = new NetworkSimulator(_server.Service, 12);
        await using var device = await OutpostClient.OpenAsync(Options(network), Ct);
        var photos = device.Collection("photos");
        await photos.InsertOneAsync(new BsonDocument { { "_id", "a" }, { "departmentId", "PAINT" }, { "n", 1 } }, Ct);
        long pending = await device.CountPendingAsync(Ct);
        var error = await Assert.ThrowsAsync<MongoException>(() => photos.UpdateBatchAsync(
        [
            (new BsonDocument("_id", "a"), new BsonDocument("$set", new BsonDocument("n", 2))),
            (new BsonDocument("_id", "a"), new BsonDocument("$set", new BsonDocument("_id", "z"))),
        ], Ct));
        Assert.Equal(ErrorCodes.ImmutableField, error.Code);
        Assert.Equal(pending, await device.CountPendingAsync(Ct));
        Assert.Equal(1, (await photos.FindByIdAsync("a", Ct))!["n"].ToInt64());
    }

    [Fact]
    public async Task Removing_a_subscription_removes_its_documents_unless_another_subscription_covers_them()
    {
        await _server.Photos.InsertAsync(
        [
            new BsonDocument { { "_id", 1 }, { "departmentId", "PAINT" }, { "kind", "a" } },
            new BsonDocument { { "_id", 2 }, { "departmentId", "PAINT" }, { "kind", "b" } },
            new BsonDocument { { "_id", 3 }, { "departmentId", "PAINT" }, { "kind", "c" } },
        ], cancellationToken: Ct);
        var network = new NetworkSimulator(_server.Service, 13);
        var a = new SyncSubscription("a", "photos", new BsonDocument("kind", new BsonDocument("$in", new BsonArray { "a", "c" })));
        var b = new SyncSubscription("b", "photos", new BsonDocument("kind", new BsonDocument("$in", new BsonArray { "b", "c" })));
        async Task<List<long>> IdsAfterSyncAsync(params SyncSubscription[] subs)
        {
            await using var device = await OutpostClient.OpenAsync(new ClientOptions
            {
                DatabasePath = _server.DevicePath("subs"), Transport = network, ClientId = "subs", TokenProvider = _ => ValueTask.FromResult<string?>(_token),
                Subscriptions = subs, Network = () => NetworkCondition.Unmetered,
            }, Ct);
            await device.SyncNowAsync(Ct);
            Assert.True(await device.VerifyAsync(Ct));
            return (await device.Collection("photos").FindAsync(sort: new BsonDocument("_id", 1), cancellationToken: Ct)).Select(d => d["_id"].ToInt64()).ToList();
        }
        Assert.Equal([1L, 2L, 3L], await IdsAfterSyncAsync(a, b));
        Assert.Equal([1L, 3L], await IdsAfterSyncAsync(a));       // 2 was only b's; 3 is still a's
        Assert.Equal([1L, 2L, 3L], await IdsAfterSyncAsync(a, b));  // adding b back snapshots it again
        Assert.Equal([2L, 3L], await IdsAfterSyncAsync(b));
    }

    [Fact]
    public async Task Initial_sync_reports_progress_page_by_page()
    {
        var docs = Enumerable.Range(0, 7).Select(i => new BsonDocument { { "_id", i }, { "departmentId", "PAINT" } }).ToList();
        docs[5] = new BsonDocument { { "_id", "five" }, { "departmentId", "PAINT" } };   // pages cross _id types
        docs[6] = new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "departmentId", "PAINT" } };
        docs.Add(new BsonDocument { { "_id", 100 }, { "departmentId", "QA" } });
        await _server.Photos.InsertAsync(docs, cancellationToken: Ct);
        await using var device = await OutpostClient.OpenAsync(Options(new NetworkSimulator(_server.Service, 3)), Ct);
        var progress = new List<InitialSyncProgress>();
        device.InitialSyncProgressChanged += (_, p) => progress.Add(p);
        await device.SyncNowAsync(Ct);
        Assert.Equal([2L, 4L, 6L, 7L], progress.Select(p => p.Received).ToList());
        Assert.All(progress, p => Assert.Equal(7, p.Total));
        Assert.True(progress[^1].Completed);
        Assert.Equal(7, (await device.Collection("photos").FindAsync(cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task The_policy_keeps_an_offline_device_from_trying_and_lets_a_metered_one_sync_metadata()
    {
        var condition = NetworkCondition.Offline;
        var network = new NetworkSimulator(_server.Service, 5);
        var options = Options(network, condition: () => condition);
        await using var device = await OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = options.DatabasePath, Transport = network, ClientId = options.ClientId, TokenProvider = options.TokenProvider,
            Subscriptions = options.Subscriptions, Network = () => condition, StartSync = true,
        }, Ct);
        await device.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "m" }, { "departmentId", "PAINT" } }, Ct);
        await Task.Delay(300, Ct);
        Assert.Equal(0, network.Delivered);
        condition = NetworkCondition.Metered;
        device.WakeSync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await device.CountPendingAsync(Ct) > 0 && DateTime.UtcNow < deadline) await Task.Delay(20, Ct);
        Assert.Equal(0, await device.CountPendingAsync(Ct));
    }

    [Fact]
    public async Task Schema_migrations_run_once_in_order()
    {
        var ran = new List<int>();
        var network = new NetworkSimulator(_server.Service, 9);
        await using (var v1 = await OutpostClient.OpenAsync(Options(network, "schema"), Ct))
            Assert.Equal(1, await v1.GetSchemaVersionAsync(Ct));
        var migrations = new Dictionary<int, Func<Engine.Database, CancellationToken, Task>>
        {
            [2] = (_, _) => { ran.Add(2); return Task.CompletedTask; },
            [3] = (_, _) => { ran.Add(3); return Task.CompletedTask; },
        };
        await using (var v3 = await OutpostClient.OpenAsync(Options(network, "schema", schema: 3, migrations: migrations), Ct))
            Assert.Equal(3, await v3.GetSchemaVersionAsync(Ct));
        await using (var again = await OutpostClient.OpenAsync(Options(network, "schema", schema: 3, migrations: migrations), Ct))
            Assert.Equal([2, 3], ran);
        await Assert.ThrowsAsync<InvalidOperationException>(() => OutpostClient.OpenAsync(Options(network, "schema", schema: 2), Ct));
    }
}
