using System.Text;
using Outpost.Storage;

namespace Outpost.Storage.Tests;

/// <summary>
/// <see cref="StorageTransactionMode.Exclusive"/>: ordered against every writer of the store, across the processes
/// (here: engines) sharing it. SQLite has one engine per file and treats it as read-write.
/// </summary>
public sealed class ExclusiveTransactionTests
{
    private const long Tree = 7;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] S(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Two engines on one store, as two server nodes; skips the test where one engine owns the store.</summary>
    private sealed class TwoNodes : IAsyncDisposable
    {
        private readonly StorageBackend _store;

        private TwoNodes(StorageBackend store, IStorageEngine a, IStorageEngine b)
        {
            _store = store;
            A = a;
            B = b;
        }

        public IStorageEngine A { get; }

        public IStorageEngine B { get; }

        public static async Task<TwoNodes> StartAsync(string backend)
        {
            var store = await StorageBackend.CreateAsync(backend);
            if (!store.SupportsManyOpeners)
            {
                await store.DisposeAsync();
                Assert.Skip($"{store.Name}: one engine owns the store; Exclusive behaves as ReadWrite there.");
            }

            return new TwoNodes(store, await store.OpenAsync(), await store.OpenAsync());
        }

        public async ValueTask DisposeAsync()
        {
            await B.DisposeAsync();
            await A.DisposeAsync();
            await _store.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task An_exclusive_transaction_reads_and_writes_like_a_read_write_one(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.Exclusive, Ct))
        {
            Assert.Equal(StorageTransactionMode.Exclusive, tx.Mode);
            await tx.PutAsync(Tree, S("a"), S("1"), Ct);
            await tx.InsertAsync(Tree, S("b"), S("2"), Ct);
            Assert.Equal(S("1"), await tx.GetAsync(Tree, S("a"), Ct));
            tx.AppendLog(S("ddl"));
            var result = await tx.CommitAsync(Ct);
            Assert.Equal(1, result.FirstLogPosition);
        }

        // Writers that begin after it commit normally.
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("c"), S("3"), Ct);
            await tx.CommitAsync(Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(S("2"), await read.GetAsync(Tree, S("b"), Ct));
        Assert.Equal(S("3"), await read.GetAsync(Tree, S("c"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_writer_whose_snapshot_missed_an_exclusive_commit_on_another_engine_conflicts(string backend)
    {
        await using var nodes = await TwoNodes.StartAsync(backend);
        var (nodeA, nodeB) = (nodes.A, nodes.B);

        // The writer on B and the exclusive transaction on A touch different keys: only the ordering rule makes them meet.
        await using var writer = await nodeB.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await writer.PutAsync(Tree, S("doc"), S("written with the old catalog"), Ct);
        await using (var exclusive = await nodeA.BeginAsync(StorageTransactionMode.Exclusive, Ct))
        {
            await exclusive.PutAsync(Tree, S("catalog"), S("new index"), Ct);
            await exclusive.CommitAsync(Ct);
        }

        await Assert.ThrowsAsync<StorageWriteConflictException>(async () => await writer.CommitAsync(Ct));
        await using var read = await nodeB.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Null(await read.GetAsync(Tree, S("doc"), Ct));
        Assert.Equal(S("new index"), await read.GetAsync(Tree, S("catalog"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_writer_committing_during_an_exclusive_transaction_waits_for_it(string backend)
    {
        await using var nodes = await TwoNodes.StartAsync(backend);
        var (nodeA, nodeB) = (nodes.A, nodes.B);

        await using var writer = await nodeB.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await writer.PutAsync(Tree, S("doc"), S("1"), Ct);
        await using var exclusive = await nodeA.BeginAsync(StorageTransactionMode.Exclusive, Ct);
        var commit = writer.CommitAsync(Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(commit.IsCompleted, "the writer committed while an exclusive transaction was open");
        await exclusive.PutAsync(Tree, S("catalog"), S("x"), Ct);
        await exclusive.CommitAsync(Ct);
        await Assert.ThrowsAsync<StorageWriteConflictException>(() => commit);
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task An_exclusive_transaction_rolled_back_lets_overlapping_writers_commit_and_releases_its_lock(string backend)
    {
        await using var nodes = await TwoNodes.StartAsync(backend);
        var (nodeA, nodeB) = (nodes.A, nodes.B);

        await using var writer = await nodeB.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await writer.PutAsync(Tree, S("doc"), S("1"), Ct);
        await using (var exclusive = await nodeA.BeginAsync(StorageTransactionMode.Exclusive, Ct))
        {
            await exclusive.PutAsync(Tree, S("catalog"), S("abandoned"), Ct);

            // Disposed without commit.
        }

        await writer.CommitAsync(Ct);

        // The lock went with the rollback: another exclusive transaction, on the other engine, begins at once.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var next = await nodeB.BeginAsync(StorageTransactionMode.Exclusive, timeout.Token);
        Assert.Equal(S("1"), await next.GetAsync(Tree, S("doc"), Ct));
        Assert.Null(await next.GetAsync(Tree, S("catalog"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Exclusive_transactions_on_two_engines_run_one_at_a_time(string backend)
    {
        await using var nodes = await TwoNodes.StartAsync(backend);
        var (nodeA, nodeB) = (nodes.A, nodes.B);

        var first = await nodeA.BeginAsync(StorageTransactionMode.Exclusive, Ct);
        var second = nodeB.BeginAsync(StorageTransactionMode.Exclusive, Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(second.IsCompleted, "two exclusive transactions were open at once");
        await first.PutAsync(Tree, S("k"), S("first"), Ct);
        await first.CommitAsync(Ct);
        await first.DisposeAsync();
        await using var tx = await second;

        // Its snapshot was taken after the first committed.
        Assert.Equal(S("first"), await tx.GetAsync(Tree, S("k"), Ct));
        await tx.PutAsync(Tree, S("k"), S("second"), Ct);
        await tx.CommitAsync(Ct);
    }
}
