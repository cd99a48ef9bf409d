using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

/// <summary>
/// A cursor reads in chunks, each on its own snapshot (MongoDB's yields). When the index or the collection it reads is
/// dropped between chunks, the next chunk fails with QueryPlanKilled (175) instead of quietly ending early.
/// </summary>
public sealed class QueryPlanKilledTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Dropping_the_index_a_cursor_reads_kills_its_plan(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("k");
        await c.CreateIndexesAsync([new IndexModel { Keys = Doc(("a", 1)) }, new IndexModel { Keys = Doc(("b", 1)) }], cancellationToken: Ct);
        await c.InsertAsync(Enumerable.Range(0, 3000).Select(i => Doc(("_id", i), ("a", i), ("b", i))).ToList(), cancellationToken: Ct);

        // Dropping an index the cursor does not read leaves it running.
        await using (var cursor = await c.FindAsync(new FindOptions { Filter = Doc(("a", Doc(("$gte", 0)))), Hint = Doc(("a", 1)) }, cancellationToken: Ct))
        {
            var first = await cursor.NextBatchAsync(1500, cancellationToken: Ct);
            Assert.Equal(1500, first.Count);
            await c.DropIndexesAsync("b_1", cancellationToken: Ct);
            var rest = 0;
            while (!cursor.IsExhausted) rest += (await cursor.NextBatchAsync(1000, cancellationToken: Ct)).Count;
            Assert.Equal(1500, rest);
        }

        await using (var cursor = await c.FindAsync(new FindOptions { Filter = Doc(("a", Doc(("$gte", 0)))), Hint = Doc(("a", 1)) }, cancellationToken: Ct))
        {
            Assert.Equal(1500, (await cursor.NextBatchAsync(1500, cancellationToken: Ct)).Count);
            await c.DropIndexesAsync("a_1", cancellationToken: Ct);
            var killed = await Assert.ThrowsAsync<MongoException>(async () =>
            {
                while (!cursor.IsExhausted) await cursor.NextBatchAsync(1000, cancellationToken: Ct);
            });
            Assert.Equal(ErrorCodes.QueryPlanKilled, killed.Code);
            Assert.Contains("index 'a_1' dropped", killed.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Dropping_the_collection_a_cursor_scans_kills_its_plan(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("k");
        await c.InsertAsync(Enumerable.Range(0, 3000).Select(i => Doc(("_id", i), ("x", i))).ToList(), cancellationToken: Ct);
        await using var cursor = await c.FindAsync(new FindOptions { Filter = Doc(("x", Doc(("$gte", 0)))) }, cancellationToken: Ct);
        Assert.Equal(1500, (await cursor.NextBatchAsync(1500, cancellationToken: Ct)).Count);
        await t.Db.DropCollectionAsync("k", cancellationToken: Ct);
        var killed = await Assert.ThrowsAsync<MongoException>(async () =>
        {
            while (!cursor.IsExhausted) await cursor.NextBatchAsync(1000, cancellationToken: Ct);
        });
        Assert.Equal(ErrorCodes.QueryPlanKilled, killed.Code);
        Assert.Contains("collection dropped", killed.Message, StringComparison.Ordinal);
    }
}
