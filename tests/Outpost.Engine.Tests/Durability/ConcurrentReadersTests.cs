using Outpost.Bson;

namespace Outpost.Engine.Tests.Durability;

/// <summary>
/// One writer commits multi-document transactions (pairs of documents, plus a counter update) while several readers
/// scan concurrently: a reader must never see half a transaction, and what it sees only grows.
/// </summary>
public sealed class ConcurrentReadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Readers_never_see_a_partial_transaction_while_one_writer_commits()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var docs = t.Db.GetCollection("pairs");
        await docs.CreateIndexesAsync([new IndexModel { Keys = new BsonDocument("pair", 1) }], cancellationToken: Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var committed = 0;

        var writer = Task.Run(async () =>
        {
            for (var n = 0; n < 150 && !stop.IsCancellationRequested; n++)
            {
                var tx = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
                var context = new OperationContext { Transaction = tx };
                await docs.InsertAsync([new BsonDocument { { "_id", $"p{n}-a" }, { "pair", n } }], null, context, Ct);
                await docs.InsertAsync([new BsonDocument { { "_id", $"p{n}-b" }, { "pair", n } }], null, context, Ct);
                await tx.CommitAsync(Ct);
                Interlocked.Increment(ref committed);
            }
        }, Ct);

        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            var scans = 0;
            var lastSeen = 0;
            while (!writer.IsCompleted || scans < 3)
            {
                var seen = new Dictionary<int, int>();
                var filter = r == 0 ? new BsonDocument() : new BsonDocument("pair", new BsonDocument("$gte", 0)); // COLLSCAN and IXSCAN
                await using (var cursor = await docs.FindAsync(new FindOptions { Filter = filter, BatchSize = 1000 }, null, Ct))
                {
                    // 300 documents stay under the cursor's 1,000-key snapshot chunk (ReadSource.ChunkSize), so this one batch is read
                    // from one snapshot and must hold whole transactions only.
                    var batch = await cursor.NextBatchAsync(100_000, null, 64 * 1024 * 1024, Ct);
                    foreach (var doc in batch) seen[doc["pair"].AsInt32] = seen.GetValueOrDefault(doc["pair"].AsInt32) + 1;
                }

                foreach (var (pair, count) in seen) Assert.True(count == 2, $"reader {r} saw {count} of pair {pair}");
                Assert.True(seen.Count >= lastSeen, $"reader {r} went back from {lastSeen} to {seen.Count} transactions");
                lastSeen = seen.Count;
                scans++;
            }

            return scans;
        }, Ct)).ToArray();

        await writer;
        var scanCounts = await Task.WhenAll(readers);
        Assert.Equal(150, committed);
        Assert.All(scanCounts, s => Assert.True(s >= 3));
        Assert.Equal(300, await docs.CountAsync(new CountOptions(), cancellationToken: Ct));
    }
}
