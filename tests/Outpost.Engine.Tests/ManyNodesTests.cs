using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// Two engines on one PostgreSQL database, as two server nodes: catalog changes on one node must not be missed by
/// writers on the other that still hold the old catalog.
/// </summary>
public sealed class ManyNodesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Index_builds_on_one_node_racing_inserts_on_another_index_every_document(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await using var peer = await t.OpenPeerAsync();
        var onA = t.Db.GetCollection("c");
        var onB = peer.GetDatabase("test").GetCollection("c");
        await onA.InsertAsync(Enumerable.Range(0, 300).Select(i => Doc(("_id", i), ("a", i % 10), ("b", i % 7), ("c", i % 5))).ToList(), cancellationToken: Ct);
        _ = await onB.CountAsync(cancellationToken: Ct); // B caches the catalog now

        var next = 10_000;
        foreach (var field in new[] { "a", "b", "c" })
        {
            // Writers on node B run before, during and after the build on node A.
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                var written = 0;
                while (!stop.IsCancellationRequested || written < 5)
                {
                    var id = Interlocked.Increment(ref next);
                    await onB.InsertAsync([Doc(("_id", id), ("a", id % 10), ("b", id % 7), ("c", id % 5))], cancellationToken: Ct);
                    written++;
                }
            }, Ct)).ToList();
            await Task.Delay(20, Ct);
            await onA.CreateIndexesAsync([new IndexModel { Keys = Doc((field, 1)) }], cancellationToken: Ct);
            await Task.Delay(20, Ct);
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        foreach (var node in new[] { onA, onB })
        {
            var report = await node.ValidateAsync(Ct);
            Assert.True(report["valid"].AsBoolean, report.ToString());
            var records = report["nrecords"].ToInt64();
            foreach (var name in new[] { "a_1", "b_1", "c_1" }) Assert.Equal(records, report["keysPerIndex"].At(name).ToInt64());
        }
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_unique_index_built_on_one_node_is_enforced_against_racing_inserts_on_another(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await using var peer = await t.OpenPeerAsync();
        var onA = t.Db.GetCollection("u");
        var onB = peer.GetDatabase("test").GetCollection("u");
        await onA.InsertAsync(Enumerable.Range(0, 300).Select(i => Doc(("_id", i), ("u", i))).ToList(), cancellationToken: Ct);
        _ = await onB.CountAsync(cancellationToken: Ct);

        // Node B keeps inserting documents whose u repeats an existing one while node A builds a unique index on u:
        // before the build they are accepted (the build then fails), after it they must be refused (code 11000).
        // After a failed build the writers pause while A removes the extras, and resume a little later each attempt,
        // racing the next build's start — so the race is exercised and the build still succeeds on a loaded machine.
        using var stop = new CancellationTokenSource();
        var next = 1_000;
        var paused = 0;
        var inFlight = 0;
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                // Announce the insert before looking at the flag, so A's wait for zero in flight cannot miss it.
                Interlocked.Increment(ref inFlight);
                if (Volatile.Read(ref paused) == 1)
                {
                    Interlocked.Decrement(ref inFlight);
                    await Task.Delay(1, Ct);
                    continue;
                }

                try
                {
                    var id = Interlocked.Increment(ref next);
                    var result = await onB.InsertAsync([Doc(("_id", id), ("u", id % 300))], cancellationToken: Ct);
                    if (result.WriteErrors.Count > 0) Assert.Equal(11000, result.WriteErrors[0].Code);
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }
        }, Ct)).ToList();
        await Task.Delay(20, Ct);
        var built = false;
        for (var attempt = 0; attempt < 50 && !built; attempt++)
        {
            var build = onA.CreateIndexesAsync([new IndexModel { Keys = Doc(("u", 1)), Unique = true }], cancellationToken: Ct);
            if (attempt > 0)
            {
                await Task.Delay(attempt * 5, Ct);
                Volatile.Write(ref paused, 0);
            }

            try
            {
                await build;
                built = true;
            }
            catch (MongoException e) when (e.Code == 11000)
            {
                // A duplicate got in before the build: pause the writers, remove the extra documents and try again.
                Volatile.Write(ref paused, 1);
                while (Volatile.Read(ref inFlight) > 0) await Task.Delay(1, Ct);
                await onA.DeleteAsync([new DeleteStatement { Filter = Doc(("_id", Doc(("$gte", 1_000)))), Limit = 0 }], cancellationToken: Ct);
            }
        }

        await Task.Delay(50, Ct);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.True(built, "the unique index was never built");

        var seen = new HashSet<int>();
        foreach (var document in await onA.FindAllAsync()) Assert.True(seen.Add(document["u"].AsInt32), $"duplicate u {document["u"]} after the unique index was built");
        var report = await onB.ValidateAsync(Ct);
        Assert.True(report["valid"].AsBoolean, report.ToString());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Reads_on_one_node_plan_on_the_catalog_another_node_changed(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        await using var peer = await t.OpenPeerAsync();
        var onA = t.Db.GetCollection("r");
        var onB = peer.GetDatabase("test").GetCollection("r");
        await onA.CreateIndexesAsync([new IndexModel { Keys = Doc(("a", 1)) }], cancellationToken: Ct);
        await onA.InsertAsync(Enumerable.Range(0, 50).Select(i => Doc(("_id", i), ("a", i % 5))).ToList(), cancellationToken: Ct);

        // B plans with a_1 once, so its cached catalog holds the index.
        Assert.Equal(10, (await onB.FindAllAsync(Doc(("a", 3)))).Count);

        // A drops the index (its tree is deleted): B must not read the empty tree of an index that no longer exists.
        await onA.DropIndexesAsync("a_1", cancellationToken: Ct);
        Assert.Equal(10, (await onB.FindAllAsync(Doc(("a", 3)))).Count);
        Assert.Equal(10, await onB.CountAsync(new CountOptions { Filter = Doc(("a", 3)) }, cancellationToken: Ct));
        var grouped = await (await onB.AggregateAsync(Arr(Doc(("$match", Doc(("a", Doc(("$gte", 3)))))), Doc(("$count", "n"))), cancellationToken: Ct)).ToListAsync(Ct);
        Assert.Equal(20, grouped[0]["n"].ToInt64());
        Assert.Equal(2, (await onB.DistinctAsync("a", Doc(("a", Doc(("$gte", 3)))), cancellationToken: Ct)).Count);

        // A makes the index multikey: B's plan must not intersect bounds of a field that now holds arrays.
        await onA.CreateIndexesAsync([new IndexModel { Keys = Doc(("m", 1)) }], cancellationToken: Ct);
        await onA.InsertAsync([Doc(("_id", 100), ("m", 1))], cancellationToken: Ct);
        Assert.Empty(await onB.FindAllAsync(Doc(("m", Doc(("$gt", 2), ("$lt", 4))))));
        await onA.InsertAsync([Doc(("_id", 101), ("m", Arr(1, 5)))], cancellationToken: Ct);
        Assert.Single(await onB.FindAllAsync(Doc(("m", Doc(("$gt", 2), ("$lt", 4))))));

        // A drops and recreates the collection: B's _id lookups and counts read the new one.
        Assert.Single(await onB.FindAllAsync(Doc(("_id", 7))));
        await t.Db.DropCollectionAsync("r", cancellationToken: Ct);
        await onA.InsertAsync([Doc(("_id", 7), ("fresh", true)), Doc(("_id", 8), ("fresh", true))], cancellationToken: Ct);
        var found = await onB.FindAllAsync(Doc(("_id", 7)));
        Assert.True(Assert.Single(found)["fresh"].AsBoolean);
        Assert.Equal(2, await onB.CountAsync(cancellationToken: Ct));
    }
}
