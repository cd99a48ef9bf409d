using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class ConcurrencyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Index_build_racing_concurrent_inserts_indexes_every_document(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync(Enumerable.Range(0, 200).Select(i => Doc(("_id", i), ("k", i % 10))).ToList(), cancellationToken: Ct);

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
                await coll.InsertAsync([Doc(("_id", 1000 + (w * 100) + i), ("k", i % 10))], cancellationToken: Ct);
        }, Ct)).ToList();
        await Task.Delay(5, Ct);
        await coll.CreateIndexesAsync([new IndexModel { Keys = Doc(("k", 1)) }], cancellationToken: Ct);
        await Task.WhenAll(writers);

        var explain = await coll.ExplainFindAsync(new FindOptions { Filter = Doc(("k", Doc(("$gte", 0)))) }, ExplainVerbosity.ExecutionStats, cancellationToken: Ct);
        Assert.Equal("k_1", explain["queryPlanner"].At("winningPlan").At("inputStage").At("indexName").AsString);
        Assert.Equal(360, explain["executionStats"].At("nReturned").ToInt64());
        Assert.Equal(360, explain["executionStats"].At("totalKeysExamined").ToInt64());
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Concurrent_increments_outside_transactions_are_all_applied(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("counter");
        await coll.InsertAsync([Doc(("_id", 1), ("n", 0))], cancellationToken: Ct);
        var update = new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$inc", Doc(("n", 1)))) };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var result = await coll.UpdateAsync([update], cancellationToken: Ct);
                Assert.Empty(result.WriteErrors);
            }
        }, Ct)));
        Assert.Equal(100, (await coll.FindAllAsync())[0]["n"].AsInt32);
    }
}
