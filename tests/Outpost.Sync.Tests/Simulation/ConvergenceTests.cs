using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Client;
using Outpost.Engine;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Sync.Tests.Simulation;

/// <summary>
/// The sync property: devices editing concurrently through a hostile network, with restarts and writes by other
/// paths, end up byte-for-byte equal to the server; no acknowledged operation is lost or applied twice; every
/// concurrent write is merged by its strategy or in the conflict log.
/// </summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    private static readonly SyncSubscription Photos = new("photos", "photos");
    private static readonly string[] Titles = ["door", "hood", "fender", "roof", "trunk"];
    private static readonly string[] Tags = ["scratch", "dent", "ok", "rework", "primer"];
    private static readonly string[] Statuses = ["synced", "syncing", "pending", "failed", "conflicted"];

    private int _serial;

    private sealed class Device(string name, NetworkSimulator network)
    {
        public string Name { get; } = name;
        public NetworkSimulator Network { get; } = network;
        public OutpostClient Client { get; set; } = null!;
        public Dictionary<string, long> Increments { get; } = [];
        public List<(string Doc, string Note)> Notes { get; } = [];
    }

    [Fact]
    public async Task Random_concurrent_edits_through_a_hostile_network_converge_on_the_server_bytes()
    {
        int seed = Environment.GetEnvironmentVariable("OUTPOST_SYNC_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Environment.TickCount;
        output.WriteLine($"seed {seed} (rerun with OUTPOST_SYNC_SEED={seed})");
        try
        {
            await RunAsync(seed, rounds: 40);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"seed {seed}: {e}");
        }
    }

    private async Task RunAsync(int seed, int rounds)
    {
        var random = new Random(seed);
        await using var server = await SyncTestServer.StartAsync();
        // Documents written by another path (no merge metadata): counters and notes live on these, never deleted.
        var stable = Enumerable.Range(0, 4).Select(i => $"c{i}").ToList();
        await server.Photos.InsertAsync(stable.Select(id => new BsonDocument { { "_id", id }, { "departmentId", "PAINT" }, { "views", 0 }, { "notes", new BsonArray() }, { "title", "seed" } }).ToList());
        Assert.Equal(stable.Count, await server.Service.StampForeignWritesAsync());
        var token = SyncTestServer.Token("plant", "PAINT");
        var devices = new List<Device>();
        for (int i = 0; i < 3; i++)
        {
            var device = new Device($"tablet-{i}", new NetworkSimulator(server.Service, random.Next()) { Faults = NetworkFaults.Hostile });
            device.Client = await OpenAsync(server, device, token, random.Next());
            devices.Add(device);
        }
        var created = new List<string>(stable);
        for (int round = 0; round < rounds; round++)
        {
            foreach (var device in devices)
            {
                device.Network.Faults = random.Next(5) == 0 ? new NetworkFaults { Offline = true } : NetworkFaults.Hostile;
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits; e++) await EditAsync(random, device, created, stable);
                if (random.Next(3) > 0) await TrySyncAsync(device.Client);
                if (random.Next(12) == 0)
                {
                    // An app restart: whatever was written locally must survive it.
                    await device.Client.DisposeAsync();
                    device.Client = await OpenAsync(server, device, token, random.Next());
                }
            }
            if (random.Next(4) == 0) await WireWriteAsync(random, server, created, stable);
        }

        // Heal the network and let everything settle.
        foreach (var device in devices)
        {
            device.Network.Faults = NetworkFaults.None;
            await device.Network.DeliverHeldBackAsync(CancellationToken.None, all: true);
        }
        for (int pass = 0; pass < 3; pass++)
            foreach (var device in devices) await device.Client.SyncNowAsync();

        var serverDocs = await AllAsync(server.Photos);
        var last = await server.Engine.Storage.GetLastLogPositionAsync();
        foreach (var device in devices)
        {
            Assert.Equal(0, await device.Client.CountPendingAsync());
            Assert.Equal(last, device.Client.Checkpoint);
            var local = await device.Client.Collection("photos").FindAsync(sort: new BsonDocument("_id", 1));
            Assert.Equal(serverDocs.Count, local.Count);
            for (int i = 0; i < local.Count; i++)
            {
                Assert.True(BsonSerializer.Serialize(local[i]).AsSpan().SequenceEqual(BsonSerializer.Serialize(serverDocs[i])),
                    $"{device.Name} differs on {local[i]["_id"]}:\n local  {local[i]}\n server {serverDocs[i]}");
            }
            Assert.True(await device.Client.VerifyAsync(), $"{device.Name}: checksum mismatch");
        }

        // No acknowledged operation lost or applied twice: counters add up exactly, every note appears once.
        foreach (var id in stable)
        {
            var doc = serverDocs.Single(d => d["_id"].AsString == id);
            long expected = devices.Sum(d => d.Increments.GetValueOrDefault(id));
            Assert.Equal(expected, doc["views"].ToInt64());
            var notes = doc["notes"].AsArray.Select(n => n is BsonDocument nd && nd.TryGetValue("text", out var t) ? t.AsString : n.ToString()).ToList();
            foreach (var (_, note) in devices.SelectMany(d => d.Notes).Where(n => n.Doc == id))
                Assert.Equal(1, notes.Count(n => n.Contains(note, StringComparison.Ordinal)));
        }
        var clients = await AllAsync(server.Engine.GetDatabase("app").GetCollection("__sync_clients"));
        foreach (var device in devices)
        {
            var record = clients.Single(c => c["_id"].AsString == device.Name);
            Assert.True(record["acked"].ToInt64() > 0);
        }

        // Every keep-both conflict left siblings for review and is in the server's conflict log.
        var metas = await AllAsync(server.Engine.GetDatabase("app").GetCollection("__sync_meta"));
        var logged = (await AllAsync(server.Engine.GetDatabase("app").GetCollection("__sync_conflicts")))
            .Select(c => c["conflict"].AsDocument["id"].ToString()).ToHashSet();
        foreach (var meta in metas)
        {
            var m = SyncMetadata.FromBson(meta["m"].AsDocument);
            if (m.Siblings.TryGetValue("decision", out var siblings) && siblings.Count > 0)
                Assert.Contains(meta["_id"].AsDocument["i"].ToString(), logged);
        }
        output.WriteLine($"{serverDocs.Count} documents, {devices.Sum(d => d.Network.Delivered)} deliveries, {logged.Count} documents with conflicts for review");
    }

    private static Task<OutpostClient> OpenAsync(SyncTestServer server, Device device, string token, int seed) =>
        OutpostClient.OpenAsync(new ClientOptions
        {
            DatabasePath = server.DevicePath(device.Name), Transport = device.Network, ClientId = device.Name,
            TokenProvider = _ => ValueTask.FromResult<string?>(token), Subscriptions = [Photos], RandomSeed = seed,
            PushBatchSize = 7, PullBatchSize = 5,
        });

    private static async Task TrySyncAsync(OutpostClient client)
    {
        try
        {
            await client.SyncNowAsync();
        }
        catch (Exception e) when (e is SyncTransportException or SyncProtocolException)
        {
            // the network failed: the next round retries
        }
    }

    private async Task EditAsync(Random random, Device device, List<string> created, List<string> stable)
    {
        var photos = device.Client.Collection("photos");
        var local = (await photos.FindAsync()).Select(d => d["_id"].AsString).ToList();
        int kind = random.Next(10);
        if (kind == 0 || local.Count == 0)
        {
            var id = $"{device.Name}-{_serial++}";
            created.Add(id);
            await photos.InsertOneAsync(new BsonDocument { { "_id", id }, { "departmentId", "PAINT" }, { "title", Titles[random.Next(Titles.Length)] }, { "tags", new BsonArray { Tags[random.Next(Tags.Length)] } } });
            return;
        }
        var target = local[random.Next(local.Count)];
        var filter = new BsonDocument("_id", target);
        switch (kind)
        {
            case 1:
                await photos.UpdateAsync(filter, new BsonDocument("$set", new BsonDocument("title", Titles[random.Next(Titles.Length)])));
                break;
            case 2:
                await photos.UpdateAsync(filter, new BsonDocument("$addToSet", new BsonDocument("tags", Tags[random.Next(Tags.Length)])));
                break;
            case 3:
                await photos.UpdateAsync(filter, new BsonDocument("$pull", new BsonDocument("tags", Tags[random.Next(Tags.Length)])));
                break;
            case 4:
                await photos.UpdateAsync(filter, new BsonDocument("$set", new BsonDocument("syncStatus", Statuses[random.Next(Statuses.Length)])));
                break;
            case 5:
                await photos.UpdateAsync(filter, new BsonDocument("$set", new BsonDocument("decision", random.Next(2) == 0 ? "accept" : "reject")));
                break;
            case 6:
                await photos.UpdateAsync(filter, new BsonDocument("$set", new BsonDocument("inspection", new BsonDocument { { "by", device.Name }, { "score", random.Next(10) } })));
                break;
            case 7:
            case 8:
                var counterDoc = stable[random.Next(stable.Count)];
                if (random.Next(2) == 0)
                {
                    if (await photos.UpdateAsync(new BsonDocument("_id", counterDoc), new BsonDocument("$inc", new BsonDocument("views", 1))) == 1)
                        device.Increments[counterDoc] = device.Increments.GetValueOrDefault(counterDoc) + 1;
                }
                else
                {
                    var note = $"<{device.Name}/note{_serial++}>";
                    if (await photos.UpdateAsync(new BsonDocument("_id", counterDoc), new BsonDocument("$push", new BsonDocument("notes", note))) == 1)
                        device.Notes.Add((counterDoc, note));
                }
                break;
            default:
                if (!stable.Contains(target)) await photos.DeleteAsync(filter);
                break;
        }
    }

    /// <summary>A write through the engine directly, as a wire-protocol client would make (no merge metadata).</summary>
    private static async Task WireWriteAsync(Random random, SyncTestServer server, List<string> created, List<string> stable)
    {
        var candidates = created.Where(id => !stable.Contains(id)).ToList();
        if (candidates.Count == 0) return;
        var id = candidates[random.Next(candidates.Count)];
        await server.Photos.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", new BsonDocument("title", "wire-" + random.Next(100))) }]);
    }

    private static async Task<List<BsonDocument>> AllAsync(Collection collection)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Sort = new BsonDocument("_id", 1) });
        return await cursor.ToListAsync();
    }
}
