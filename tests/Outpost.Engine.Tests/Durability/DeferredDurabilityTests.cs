using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;

namespace Outpost.Engine.Tests.Durability;

/// <summary>Commits that skip the flush (replayable writes) and engines that write no document change log.</summary>
public sealed class DeferredDurabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task A_deferred_commit_is_atomic_visible_and_still_there_after_a_restart_and_later_durable_commits(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend);
        var c = t.Db.GetCollection("c");
        await using (var txn = await t.Engine.StartTransactionAsync(cancellationToken: Ct))
        {
            var context = new OperationContext { Transaction = txn };
            await c.InsertAsync([new BsonDocument { { "_id", 1 }, { "n", 1 } }, new BsonDocument { { "_id", 2 }, { "n", 2 } }], null, context, Ct);
            txn.DeferDurability();
            await txn.CommitAsync(Ct);
        }
        Assert.Equal(2, await c.CountAsync(cancellationToken: Ct));
        await c.InsertAsync([new BsonDocument { { "_id", 3 }, { "n", 3 } }], cancellationToken: Ct);   // a normal, durable commit after it
        await t.RestartAsync();
        c = t.Db.GetCollection("c");
        Assert.Equal(3, await c.CountAsync(cancellationToken: Ct));
        // The change log records deferred commits like any other (sync and change streams see them).
        var log = await t.Engine.Storage.ReadLogAsync(0, 100, Ct);
        Assert.Equal(3, log.Count(e => BsonSerializer.Deserialize(e.Data) is { } r && r.TryGetValue("op", out var op) && op.AsString == "insert"));
    }

    [Fact]
    public async Task Deferring_durability_after_the_transaction_ended_throws_like_any_use_of_an_ended_transaction()
    {
        await using var t = await TestEngine.StartAsync("sqlite");
        var txn = await t.Engine.StartTransactionAsync(cancellationToken: Ct);
        await txn.AbortAsync(Ct);
        var error = Assert.Throws<MongoException>(txn.DeferDurability);
        Assert.Equal(ErrorCodes.NoSuchTransaction, error.Code);
    }

    [Theory]
    [MemberData(nameof(TestEngine.Backends), MemberType = typeof(TestEngine))]
    public async Task An_engine_without_a_document_change_log_stores_documents_but_logs_only_ddl(string backend)
    {
        await using var t = await TestEngine.StartAsync(backend, new EngineOptions { LogDocumentChanges = false, TtlMonitorInterval = null });
        var c = t.Db.GetCollection("c");
        await c.InsertAsync([new BsonDocument { { "_id", 1 }, { "n", 1 } }, new BsonDocument { { "_id", 2 }, { "n", 2 } }], cancellationToken: Ct);
        await c.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", 1), Update = new BsonDocument("$set", new BsonDocument("n", 10)) }], cancellationToken: Ct);
        await c.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", 2), Limit = 1 }], cancellationToken: Ct);
        var docs = await (await c.FindAsync(new FindOptions(), null, Ct)).ToListAsync(Ct);
        Assert.Equal("10", Assert.Single(docs)["n"].ToString());
        var ops = (await t.Engine.Storage.ReadLogAsync(0, 100, Ct)).Select(e => BsonSerializer.Deserialize(e.Data)["op"].AsString).ToList();
        Assert.DoesNotContain("insert", ops);
        Assert.DoesNotContain("update", ops);
        Assert.DoesNotContain("delete", ops);
        Assert.Contains("create", ops);   // the implicit collection creation is DDL
    }
}
