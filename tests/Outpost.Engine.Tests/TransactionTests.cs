using Outpost.Bson;
using static Outpost.Engine.Tests.Json;

namespace Outpost.Engine.Tests;

public sealed class TransactionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Transaction_reads_its_own_writes_is_invisible_until_commit_and_spans_collections(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var a = t.Db.GetCollection("a");
        var b = t.Engine.GetDatabase("other").GetCollection("b");
        await a.InsertAsync([Doc(("_id", 1), ("n", 1))], cancellationToken: Ct);
        await b.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);

        await using var txn = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        var ctx = new OperationContext { Transaction = txn };
        await a.UpdateAsync([new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$inc", Doc(("n", 1)))) }], null, ctx, Ct);
        await b.InsertAsync([Doc(("_id", 2))], null, ctx, Ct);
        Assert.Equal(2, (await a.FindAllAsync(context: ctx))[0]["n"].AsInt32);
        Assert.Equal(2, (await b.FindAllAsync(context: ctx)).Count);
        Assert.Equal(1, (await a.FindAllAsync())[0]["n"].AsInt32);
        Assert.Single(await b.FindAllAsync());

        // Snapshot: a commit made outside after the transaction began is not visible inside it.
        await a.InsertAsync([Doc(("_id", 9))], cancellationToken: Ct);
        Assert.Single(await a.FindAllAsync(context: ctx));

        await txn.CommitAsync(Ct);
        Assert.Equal(2, (await a.FindAllAsync())[0]["n"].AsInt32);
        Assert.Equal(2, (await b.FindAllAsync()).Count);
        await txn.CommitAsync(Ct); // retrying a successful commit is fine
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Abort_discards_and_write_conflict_fails_with_112_TransientTransactionError(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1), ("n", 0))], cancellationToken: Ct);

        await using (var aborted = await t.Engine.StartTransactionAsync(cancellationToken: Ct))
        {
            await coll.InsertAsync([Doc(("_id", 2))], null, new OperationContext { Transaction = aborted }, Ct);
            await aborted.AbortAsync(Ct);
            await aborted.AbortAsync(Ct);
        }

        Assert.Single(await coll.FindAllAsync());

        await using var first = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        await using var second = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        var update = new UpdateStatement { Filter = Doc(("_id", 1)), Update = Doc(("$inc", Doc(("n", 1)))) };
        await coll.UpdateAsync([update], null, new OperationContext { Transaction = first }, Ct);
        MongoException? conflict = null;
        try
        {
            await coll.UpdateAsync([update], null, new OperationContext { Transaction = second }, Ct);
            await first.CommitAsync(Ct);
            await second.CommitAsync(Ct);
        }
        catch (MongoException ex)
        {
            conflict = ex;
        }

        Assert.NotNull(conflict);
        Assert.Equal(112, conflict.Code);
        Assert.Contains("TransientTransactionError", conflict.ErrorLabels);
        if (first.IsActive) await first.CommitAsync(Ct);
        Assert.Equal(1, (await coll.FindAllAsync())[0]["n"].AsInt32);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task Expired_transaction_and_statement_errors_abort_it(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var coll = t.Db.GetCollection("c");
        await coll.InsertAsync([Doc(("_id", 1))], cancellationToken: Ct);
        await using var shortLived = await t.Engine.StartTransactionAsync(new TransactionOptions { LifetimeLimit = TimeSpan.FromMilliseconds(50) }, Ct);
        await Task.Delay(120, Ct);
        var expired = await Assert.ThrowsAsync<MongoException>(() => coll.InsertAsync([Doc(("_id", 3))], null, new OperationContext { Transaction = shortLived }, Ct));
        Assert.Equal(251, expired.Code);

        await using var txn = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        var ctx = new OperationContext { Transaction = txn };
        await coll.InsertAsync([Doc(("_id", 2))], null, ctx, Ct);
        var dup = await Assert.ThrowsAsync<MongoException>(() => coll.InsertAsync([Doc(("_id", 1))], null, ctx, Ct));
        Assert.Equal(11000, dup.Code);
        Assert.False(txn.IsActive);
        Assert.Single(await coll.FindAllAsync());

        var late = OperationContext.WithMaxTime(1);
        await Task.Delay(20, Ct);
        Assert.Equal(50, (await Assert.ThrowsAsync<MongoException>(() => coll.InsertAsync([Doc(("_id", 7))], null, late, Ct))).Code);
    }
}
