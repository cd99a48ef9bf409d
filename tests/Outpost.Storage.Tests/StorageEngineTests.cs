using System.Collections.Concurrent;
using System.Text;
using Outpost.Storage;

namespace Outpost.Storage.Tests;

/// <summary>The storage contract, checked against every backend by the same tests.</summary>
public sealed class StorageEngineTests
{
    private const long Tree = 7;
    private const long OtherTree = 8;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] K(params byte[] bytes) => bytes;

    private static byte[] S(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<List<byte[]>> KeysAsync(IStorageTransaction tx, long tree, KeyRange range, bool reverse = false)
    {
        var keys = new List<byte[]>();
        await foreach (var entry in tx.ScanAsync(tree, range, reverse, Ct)) keys.Add(entry.Key);
        return keys;
    }

    private static string Hex(IEnumerable<byte[]> keys) => string.Join(",", keys.Select(Convert.ToHexString));

    private static async Task PutCommittedAsync(IStorageEngine engine, long tree, params (byte[] Key, byte[] Value)[] pairs)
    {
        await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        foreach (var (key, value) in pairs) await tx.PutAsync(tree, key, value, Ct);
        await tx.CommitAsync(Ct);
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Put_get_and_delete_round_trip(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        Assert.Equal(store.ExpectedSchemaVersion, engine.SchemaVersion);
        await PutCommittedAsync(engine, Tree, (S("a"), S("1")), (S("b"), S("2")));
        await PutCommittedAsync(engine, OtherTree, (S("a"), S("other")));

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            Assert.Equal(S("1"), await tx.GetAsync(Tree, S("a"), Ct));
            Assert.Equal(S("other"), await tx.GetAsync(OtherTree, S("a"), Ct));
            Assert.Null(await tx.GetAsync(Tree, S("zz"), Ct));
            await tx.PutAsync(Tree, S("a"), S("1b"), Ct);
            await tx.DeleteAsync(Tree, S("b"), Ct);
            await tx.DeleteAsync(Tree, S("never-there"), Ct);
            await tx.CommitAsync(Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(S("1b"), await read.GetAsync(Tree, S("a"), Ct));
        Assert.Null(await read.GetAsync(Tree, S("b"), Ct));
        Assert.Equal(1, await read.CountAsync(Tree, KeyRange.All, Ct));
        Assert.Equal(1, await read.CountAsync(OtherTree, KeyRange.All, Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task GetCommitted_reads_the_latest_commit_and_never_pending_writes(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("a"), S("1")), (S("e"), []));
        Assert.Equal(S("1"), await engine.GetCommittedAsync(Tree, S("a"), Ct));
        Assert.Equal(Array.Empty<byte>(), await engine.GetCommittedAsync(Tree, S("e"), Ct));
        Assert.Null(await engine.GetCommittedAsync(Tree, S("zz"), Ct));
        Assert.Null(await engine.GetCommittedAsync(OtherTree, S("a"), Ct));

        // A pending write is invisible until its commit; then the next read sees it.
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("a"), S("2"), Ct);
            await tx.PutAsync(Tree, S("b"), S("3"), Ct);
            Assert.Equal(S("1"), await engine.GetCommittedAsync(Tree, S("a"), Ct));
            Assert.Null(await engine.GetCommittedAsync(Tree, S("b"), Ct));
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(S("2"), await engine.GetCommittedAsync(Tree, S("a"), Ct));
        Assert.Equal(S("3"), await engine.GetCommittedAsync(Tree, S("b"), Ct));

        // A read transaction open meanwhile keeps its snapshot; the committed read does not disturb it.
        await using var snapshot = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        await PutCommittedAsync(engine, Tree, (S("a"), S("4")));
        Assert.Equal(S("4"), await engine.GetCommittedAsync(Tree, S("a"), Ct));
        Assert.Equal(S("2"), await snapshot.GetAsync(Tree, S("a"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Insert_of_an_existing_key_throws_duplicate_and_the_transaction_stays_usable(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("committed"), S("v")));

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            var committed = await Assert.ThrowsAsync<StorageDuplicateKeyException>(async () => await tx.InsertAsync(Tree, S("committed"), S("x"), Ct));
            Assert.Equal(Tree, committed.Tree);
            Assert.Equal(S("committed"), committed.Key);

            await tx.InsertAsync(Tree, S("new"), S("1"), Ct);
            await Assert.ThrowsAsync<StorageDuplicateKeyException>(async () => await tx.InsertAsync(Tree, S("new"), S("2"), Ct));

            // The same key in another tree is a different key; a deleted key may be inserted again.
            await tx.InsertAsync(OtherTree, S("new"), S("3"), Ct);
            await tx.DeleteAsync(Tree, S("committed"), Ct);
            await tx.InsertAsync(Tree, S("committed"), S("again"), Ct);
            await tx.CommitAsync(Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(S("1"), await read.GetAsync(Tree, S("new"), Ct));
        Assert.Equal(S("3"), await read.GetAsync(OtherTree, S("new"), Ct));
        Assert.Equal(S("again"), await read.GetAsync(Tree, S("committed"), Ct));
    }

    public static readonly byte[][] EdgeKeys =
    [
        [], [0x00], [0x00, 0x00], [0x00, 0xFF], [0x01], [0x01, 0x00], [0x7F], [0x7F, 0xFF, 0xFF], [0x80], [0x80, 0x00],
        [0xFE, 0xFF], [0xFF], [0xFF, 0x00], [0xFF, 0xFF], [0xFF, 0xFF, 0xFF], [0x61], [0x61, 0x62], [0x61, 0x62, 0x63],
    ];

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Scans_follow_bytewise_order_with_inclusive_and_exclusive_bounds_both_ways(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();

        // Half the keys committed, half only written by the reading transaction: the merge must interleave them.
        var committed = EdgeKeys.Where((_, i) => i % 2 == 0).ToArray();
        var pending = EdgeKeys.Where((_, i) => i % 2 == 1).ToArray();
        await PutCommittedAsync(engine, Tree, committed.Select(k => (k, S("c"))).ToArray());
        await PutCommittedAsync(engine, Tree - 1, (K(0x00), S("neighbour")));
        await PutCommittedAsync(engine, Tree + 1, (K(), S("neighbour")));

        await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        foreach (var key in pending) await tx.PutAsync(Tree, key, S("p"), Ct);

        var sorted = EdgeKeys.OrderBy(k => k, ByteKeyComparer.Instance).ToList();
        Assert.Equal(Hex(sorted), Hex(await KeysAsync(tx, Tree, KeyRange.All)));
        Assert.Equal(Hex(Enumerable.Reverse(sorted)), Hex(await KeysAsync(tx, Tree, KeyRange.All, reverse: true)));

        byte[]?[] bounds = [null, [], [0x00], [0x00, 0x00, 0x00], [0x7F, 0xFF], [0x80], [0xFF], [0xFF, 0xFF], [0x61, 0x62], [0x62]];
        foreach (var lower in bounds)
        {
            foreach (var upper in bounds)
            {
                foreach (var (li, ui) in new[] { (true, true), (true, false), (false, true), (false, false) })
                {
                    var range = new KeyRange(lower, li, upper, ui);
                    var expected = sorted.Where(k => range.Contains(k)).ToList();
                    Assert.Equal(Hex(expected), Hex(await KeysAsync(tx, Tree, range)));
                    expected.Reverse();
                    Assert.Equal(Hex(expected), Hex(await KeysAsync(tx, Tree, range, reverse: true)));
                    Assert.Equal(expected.Count, await tx.CountAsync(Tree, range, Ct));
                }
            }
        }

        var prefix = KeyRange.Prefix([0xFF]);
        Assert.Equal(Hex(sorted.Where(k => k.Length > 0 && k[0] == 0xFF)), Hex(await KeysAsync(tx, Tree, prefix)));
        Assert.Equal(Hex(sorted.Where(k => k.Length > 1 && k[0] == 0x61 && k[1] == 0x62)), Hex(await KeysAsync(tx, Tree, KeyRange.Prefix([0x61, 0x62]))));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Random_writes_read_back_like_a_sorted_map_before_and_after_commit(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        var random = new Random(4242);
        var model = new SortedDictionary<byte[], byte[]>(ByteKeyComparer.Instance);
        byte[] RandomKey() => Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, 4) switch { 0 => (byte)0x00, 1 => (byte)0x01, 2 => (byte)0x80, _ => (byte)0xFF }).ToArray();

        for (var round = 0; round < 6; round++)
        {
            await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
            var view = new SortedDictionary<byte[], byte[]>(model, ByteKeyComparer.Instance);
            for (var op = 0; op < 60; op++)
            {
                var key = RandomKey();
                switch (random.Next(0, 10))
                {
                    case < 5:
                        var value = BitConverter.GetBytes(random.Next());
                        await tx.PutAsync(Tree, key, value, Ct);
                        view[key] = value;
                        break;
                    case < 8:
                        await tx.DeleteAsync(Tree, key, Ct);
                        view.Remove(key);
                        break;
                    case 8:
                        var other = RandomKey();
                        var range = ByteKeyComparer.Instance.Compare(key, other) <= 0 ? new KeyRange(key, random.Next(2) == 0, other, random.Next(2) == 0) : new KeyRange(other, true, key, false);
                        await tx.DeleteRangeAsync(Tree, range, Ct);
                        foreach (var doomed in view.Keys.Where(k => range.Contains(k)).ToList()) view.Remove(doomed);
                        break;
                    default:
                        var probe = new KeyRange(random.Next(3) == 0 ? null : key, random.Next(2) == 0, null, false);
                        var reverse = random.Next(2) == 0;
                        var expected = view.Keys.Where(k => probe.Contains(k)).ToList();
                        if (reverse) expected.Reverse();
                        Assert.Equal(Hex(expected), Hex(await KeysAsync(tx, Tree, probe, reverse)));
                        break;
                }

                var got = await tx.GetAsync(Tree, key, Ct);
                Assert.Equal(view.TryGetValue(key, out var v) ? Convert.ToHexString(v) : null, got is null ? null : Convert.ToHexString(got));
            }

            Assert.Equal(Hex(view.Keys), Hex(await KeysAsync(tx, Tree, KeyRange.All)));
            Assert.Equal(view.Count, await tx.CountAsync(Tree, KeyRange.All, Ct));
            if (round % 3 == 2)
            {
                await tx.RollbackAsync(Ct);
            }
            else
            {
                await tx.CommitAsync(Ct);
                model = view;
            }

            await using var check = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
            Assert.Equal(Hex(model.Keys), Hex(await KeysAsync(check, Tree, KeyRange.All)));
            await foreach (var entry in check.ScanAsync(Tree, KeyRange.All, false, Ct)) Assert.Equal(model[entry.Key], entry.Value);
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Writes_never_read_back_before_commit_keep_the_last_write_of_each_key(string backend)
    {
        // A bulk insert writes index trees it never reads in that transaction; SQLite buffers those writes as an
        // append-only list and sorts it at commit, so repeated keys, put-then-delete, delete-then-put, keys shorter and
        // longer than 8 bytes (the sort's prefix) and zero bytes must come out exactly like a map would have them.
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        var random = new Random(99);
        var model = new SortedDictionary<byte[], byte[]>(ByteKeyComparer.Instance);
        byte[] RandomKey() => Enumerable.Range(0, random.Next(0, 13)).Select(_ => random.Next(0, 3) switch { 0 => (byte)0x00, 1 => (byte)0x01, _ => (byte)0xFF }).ToArray();

        for (var round = 0; round < 4; round++)
        {
            await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
            var view = new SortedDictionary<byte[], byte[]>(model, ByteKeyComparer.Instance);
            for (var op = 0; op < 400; op++)
            {
                var key = RandomKey();
                if (random.Next(0, 4) == 0)
                {
                    await tx.DeleteAsync(Tree, key, Ct);
                    view.Remove(key);
                }
                else
                {
                    var value = BitConverter.GetBytes(op * 10 + round);
                    await tx.PutAsync(Tree, key, value, Ct);
                    view[key] = value;
                }

                // A scan sees the writes so far without turning the buffered list into a map.
                if (op % 150 == 149) Assert.Equal(Hex(view.Keys), Hex(await KeysAsync(tx, Tree, KeyRange.All)));
            }

            await tx.CommitAsync(Ct);
            model = view;
            await using var check = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
            Assert.Equal(Hex(model.Keys), Hex(await KeysAsync(check, Tree, KeyRange.All)));
            await foreach (var entry in check.ScanAsync(Tree, KeyRange.All, false, Ct)) Assert.Equal(Convert.ToHexString(model[entry.Key]), Convert.ToHexString(entry.Value));
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Delete_range_then_put_in_one_transaction_keeps_only_the_later_put(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("a1"), S("x")), (S("a2"), S("x")), (S("b1"), S("x")));
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("a3"), S("before"), Ct);
            await tx.DeleteRangeAsync(Tree, KeyRange.Prefix(S("a")), Ct);
            await tx.PutAsync(Tree, S("a2"), S("after"), Ct);
            Assert.Equal("a2,b1", string.Join(",", (await KeysAsync(tx, Tree, KeyRange.All)).Select(Encoding.UTF8.GetString)));
            Assert.Null(await tx.GetAsync(Tree, S("a1"), Ct));
            await tx.CommitAsync(Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal("a2,b1", string.Join(",", (await KeysAsync(read, Tree, KeyRange.All)).Select(Encoding.UTF8.GetString)));
        Assert.Equal(S("after"), await read.GetAsync(Tree, S("a2"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Rollback_and_dispose_without_commit_discard_writes(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("rolled-back"), S("1"), Ct);
            tx.AppendLog(S("never"));
            await tx.RollbackAsync(Ct);
            await tx.RollbackAsync(Ct);
        }

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("disposed"), S("1"), Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(0, await read.CountAsync(Tree, KeyRange.All, Ct));
        Assert.Empty(await engine.ReadLogAsync(0, 10, Ct));
        Assert.Equal(0, await engine.GetLastLogPositionAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Size_on_disk_grows_by_at_least_what_was_committed(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        long before = await engine.GetSizeOnDiskAsync(Ct);
        Assert.True(before > 0, "an opened store has its schema on disk");
        var value = new byte[64 * 1024];
        new Random(7).NextBytes(value); // incompressible: PostgreSQL compresses large values
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            for (byte i = 0; i < 32; i++) await tx.PutAsync(Tree, K(i), value, Ct);
            await tx.CommitAsync(Ct);
        }
        long after = await engine.GetSizeOnDiskAsync(Ct);
        Assert.True(after >= before + 32 * value.Length, $"{before} → {after} bytes after committing {32 * value.Length}");
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Read_only_transactions_refuse_writes(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await tx.PutAsync(Tree, S("k"), S("v"), Ct));
        Assert.Throws<InvalidOperationException>(() => tx.AppendLog(S("x")));
        var result = await tx.CommitAsync(Ct);
        Assert.False(result.HasLogEntries);
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_transaction_keeps_its_snapshot_while_others_commit(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("a"), S("old")));

        await using var reader = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        await using var writerTx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        Assert.Equal(S("old"), await reader.GetAsync(Tree, S("a"), Ct));

        await PutCommittedAsync(engine, Tree, (S("a"), S("new")), (S("b"), S("new")));

        Assert.Equal(S("old"), await reader.GetAsync(Tree, S("a"), Ct));
        Assert.Null(await reader.GetAsync(Tree, S("b"), Ct));
        Assert.Equal(1, await reader.CountAsync(Tree, KeyRange.All, Ct));
        Assert.Null(await writerTx.GetAsync(Tree, S("b"), Ct));

        await using var later = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(S("new"), await later.GetAsync(Tree, S("a"), Ct));
        Assert.Equal(2, await later.CountAsync(Tree, KeyRange.All, Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Concurrent_writes_to_the_same_key_fail_the_later_committer(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("k"), S("0")));

        await using var first = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await using var second = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await using var disjoint = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await first.PutAsync(Tree, S("k"), S("1"), Ct);
        await disjoint.PutAsync(Tree, S("other"), S("3"), Ct);
        await first.CommitAsync(Ct);

        await Assert.ThrowsAsync<StorageWriteConflictException>(async () =>
        {
            await second.PutAsync(Tree, S("k"), S("2"), Ct);
            await second.CommitAsync(Ct);
        });
        await disjoint.CommitAsync(Ct);

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(S("1"), await read.GetAsync(Tree, S("k"), Ct));
        Assert.Equal(S("3"), await read.GetAsync(Tree, S("other"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Delete_of_a_key_another_transaction_updated_is_a_conflict(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("k"), S("0")));
        await using var first = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await using var second = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await first.PutAsync(Tree, S("k"), S("1"), Ct);
        await first.CommitAsync(Ct);
        await Assert.ThrowsAsync<StorageWriteConflictException>(async () =>
        {
            await second.DeleteAsync(Tree, S("k"), Ct);
            await second.CommitAsync(Ct);
        });
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Concurrent_inserts_of_one_new_key_let_exactly_one_commit(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await using var first = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await using var second = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
        await first.InsertAsync(Tree, S("unique"), S("1"), Ct);

        // On PostgreSQL the second insert waits for the first transaction's outcome, so run it concurrently.
        // Which one wins depends on the backend (SQLite buffers and the second commits first); exactly one must.
        var secondAttempt = Task.Run(async () =>
        {
            await second.InsertAsync(Tree, S("unique"), S("2"), Ct);
            await second.CommitAsync(Ct);
        }, Ct);
        await Task.Delay(100, Ct);
        var firstAttempt = first.CommitAsync(Ct).AsTask();
        var outcomes = new List<Exception?>();
        foreach (var attempt in new[] { firstAttempt, secondAttempt })
        {
            try
            {
                await attempt;
                outcomes.Add(null);
            }
            catch (StorageException e)
            {
                outcomes.Add(e);
            }
        }

        Assert.Single(outcomes, o => o is null);
        var error = outcomes.Single(o => o is not null)!;
        Assert.True(error is StorageWriteConflictException or StorageDuplicateKeyException, error.GetType().Name);

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(outcomes[0] is null ? S("1") : S("2"), await read.GetAsync(Tree, S("unique"), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Log_entries_get_positions_at_commit_and_read_back_in_order(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        Assert.Null(await engine.GetOldestLogPositionAsync(Ct));

        StorageCommitResult first, second;
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("doc"), S("v"), Ct);
            tx.AppendLog(S("e1"));
            tx.AppendLog(S("e2"));
            first = await tx.CommitAsync(Ct);
        }

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            tx.AppendLog(S("e3"));
            second = await tx.CommitAsync(Ct);
        }

        Assert.Equal((1, 2), (first.FirstLogPosition, first.LastLogPosition));
        Assert.Equal((3, 3), (second.FirstLogPosition, second.LastLogPosition));
        Assert.True(second.CommitTimeMs >= first.CommitTimeMs);

        var log = await engine.ReadLogAsync(0, 100, Ct);
        Assert.Equal(["e1", "e2", "e3"], log.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal([1L, 2L, 3L], log.Select(e => e.Position));
        Assert.Equal(first.CommitTimeMs, log[0].CommitTimeMs);
        Assert.Equal(["e3"], (await engine.ReadLogAsync(2, 100, Ct)).Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Single(await engine.ReadLogAsync(0, 1, Ct));
        Assert.Equal(3, await engine.GetLastLogPositionAsync(Ct));

        Assert.Equal(2, await engine.TrimLogAsync(3, Ct));
        Assert.Equal(3, await engine.GetOldestLogPositionAsync(Ct));
        Assert.Equal(0, await engine.TrimLogAsync(100, Ct));
        Assert.Equal(3, await engine.GetLastLogPositionAsync(Ct));

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            tx.AppendLog(S("e4"));
            Assert.Equal(4, (await tx.CommitAsync(Ct)).FirstLogPosition);
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task WaitForLog_wakes_when_a_later_entry_commits(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();

        var waiting = engine.WaitForLogAsync(0, Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.False(waiting.IsCompleted);

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Tree, S("no-log"), S("v"), Ct);
            await tx.CommitAsync(Ct);
        }

        await Task.Delay(200, Ct);
        Assert.False(waiting.IsCompleted);

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            tx.AppendLog(S("wake"));
            await tx.CommitAsync(Ct);
        }

        await waiting.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // Already satisfied: completes at once. Not yet: honours cancellation.
        await engine.WaitForLogAsync(0, Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await engine.WaitForLogAsync(1, cancel.Token));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task WaitForLog_wakes_for_commits_made_by_another_process(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        if (!store.SupportsManyOpeners) Assert.Skip($"{store.Name}: one process owns the store; covered by the in-process wake-up test.");
        await using var nodeA = await store.OpenAsync();
        await using var nodeB = await store.OpenAsync();

        var waiting = nodeB.WaitForLogAsync(0, Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(waiting.IsCompleted);
        await using (var tx = await nodeA.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            tx.AppendLog(S("from A"));
            await tx.CommitAsync(Ct);
        }

        // Well under the 5 s poll safety net: NOTIFY, not polling, woke it.
        await waiting.WaitAsync(TimeSpan.FromSeconds(4), Ct);
        Assert.Equal("from A", Encoding.UTF8.GetString((await nodeB.ReadLogAsync(0, 10, Ct))[0].Data));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Log_positions_are_contiguous_and_in_commit_order_under_concurrent_writers(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        const int writers = 4, commitsEach = 25;
        var results = new ConcurrentBag<(int Writer, int Seq, StorageCommitResult Result, int Count)>();

        // A tail reader runs throughout: it must never observe a gap (a later position before an earlier one).
        using var stop = new CancellationTokenSource();
        var tail = Task.Run(async () =>
        {
            long seen = 0;
            while (!stop.IsCancellationRequested)
            {
                foreach (var entry in await engine.ReadLogAsync(seen, 1000, Ct))
                {
                    Assert.Equal(seen + 1, entry.Position);
                    seen = entry.Position;
                }

                try
                {
                    await engine.WaitForLogAsync(seen, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return seen;
        }, Ct);

        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var seq = 0; seq < commitsEach; seq++)
            {
                await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
                await tx.PutAsync(Tree, S($"w{w}-{seq}"), S("v"), Ct);
                var count = 1 + (seq % 3);
                for (var i = 0; i < count; i++) tx.AppendLog(S($"{w}:{seq}:{i}"));
                results.Add((w, seq, await tx.CommitAsync(Ct), count));
            }
        }, Ct)));

        var total = results.Sum(r => r.Count);
        var log = await engine.ReadLogAsync(0, total + 10, Ct);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), log.Select(e => e.Position));
        foreach (var (writer, seq, result, count) in results)
        {
            Assert.Equal(count, result.LastLogPosition - result.FirstLogPosition + 1);
            for (var i = 0; i < count; i++)
            {
                Assert.Equal($"{writer}:{seq}:{i}", Encoding.UTF8.GetString(log[(int)(result.FirstLogPosition - 1 + i)].Data));
            }
        }

        // Each writer's commits happened one after another, so their positions must increase in that order.
        foreach (var group in results.GroupBy(r => r.Writer))
        {
            var ordered = group.OrderBy(r => r.Seq).Select(r => r.Result.FirstLogPosition).ToList();
            Assert.Equal(ordered.Order(), ordered);
        }

        await engine.WaitForLogAsync(total - 1, Ct);
        await Task.Delay(100, Ct);
        await stop.CancelAsync();
        Assert.Equal(total, await tail);
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Committed_data_and_log_survive_reopen(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using (var engine = await store.OpenAsync())
        {
            await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
            await tx.PutAsync(Tree, S("durable"), S("yes"), Ct);
            tx.AppendLog(S("one"));
            tx.AppendLog(S("two"));
            await tx.CommitAsync(Ct);
        }

        await using (var engine = await store.OpenAsync())
        {
            Assert.Equal(store.ExpectedSchemaVersion, engine.SchemaVersion);
            await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
            {
                Assert.Equal(S("yes"), await tx.GetAsync(Tree, S("durable"), Ct));
                tx.AppendLog(S("three"));
                Assert.Equal(3, (await tx.CommitAsync(Ct)).FirstLogPosition);
            }

            Assert.Equal(3, await engine.GetLastLogPositionAsync(Ct));
            Assert.Equal(["one", "two", "three"], (await engine.ReadLogAsync(0, 10, Ct)).Select(e => Encoding.UTF8.GetString(e.Data)));
        }
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Concurrent_readers_never_see_a_partial_commit(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("a"), BitConverter.GetBytes(0)), (S("b"), BitConverter.GetBytes(0)));
        using var stop = new CancellationTokenSource();
        var reads = 0;

        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
                var a = BitConverter.ToInt32(await tx.GetAsync(Tree, S("a"), Ct));
                await Task.Yield();
                var entries = new List<int>();
                await foreach (var entry in tx.ScanAsync(Tree, KeyRange.All, false, Ct)) entries.Add(BitConverter.ToInt32(entry.Value));
                Assert.Equal([a, a], entries);
                Interlocked.Increment(ref reads);
            }
        }, Ct)).ToArray();

        for (var i = 1; i <= 100; i++)
        {
            await PutCommittedAsync(engine, Tree, (S("a"), BitConverter.GetBytes(i)), (S("b"), BitConverter.GetBytes(i)));
        }

        await stop.CancelAsync();
        await Task.WhenAll(readers);
        Assert.True(reads > 0);
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_scan_can_interleave_with_gets_and_writes_in_the_same_transaction(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        var pairs = Enumerable.Range(0, 3000).Select(i => (S($"k{i:D5}"), BitConverter.GetBytes(i))).ToArray();
        await PutCommittedAsync(engine, Tree, pairs);

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            var seen = 0;
            await foreach (var entry in tx.ScanAsync(Tree, KeyRange.All, false, Ct))
            {
                Assert.Equal(entry.Value, await tx.GetAsync(Tree, entry.Key, Ct));
                await tx.PutAsync(OtherTree, entry.Key, entry.Value, Ct);
                seen++;
            }

            Assert.Equal(3000, seen);
            Assert.Equal(3000, await tx.CountAsync(OtherTree, KeyRange.All, Ct));
            await tx.CommitAsync(Ct);
        }

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(3000, await read.CountAsync(OtherTree, KeyRange.All, Ct));
        Assert.Equal(10, await read.CountAsync(OtherTree, KeyRange.HalfOpen(S("k00010"), S("k00020")), Ct));
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task Concurrent_read_modify_write_with_retry_on_conflict_loses_no_update(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        await PutCommittedAsync(engine, Tree, (S("counter"), BitConverter.GetBytes(0)));
        const int workers = 4, incrementsEach = 15;
        var conflicts = 0;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < incrementsEach; i++)
            {
                while (true)
                {
                    await using var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct);
                    try
                    {
                        var value = BitConverter.ToInt32(await tx.GetAsync(Tree, S("counter"), Ct));
                        await Task.Yield();
                        await tx.PutAsync(Tree, S("counter"), BitConverter.GetBytes(value + 1), Ct);
                        await tx.CommitAsync(Ct);
                        break;
                    }
                    catch (StorageWriteConflictException)
                    {
                        Interlocked.Increment(ref conflicts);
                    }
                }
            }
        }, Ct)));

        await using var read = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        Assert.Equal(workers * incrementsEach, BitConverter.ToInt32(await read.GetAsync(Tree, S("counter"), Ct)));
        TestContext.Current.TestOutputHelper?.WriteLine($"{conflicts} conflicts retried");
    }

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_single_owner_store_refuses_a_second_open_until_the_first_is_disposed(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        if (store.SupportsManyOpeners) Assert.Skip($"{store.Name}: many processes may open the store by design.");
        var first = await store.OpenAsync();
        await Assert.ThrowsAsync<StorageException>(store.OpenAsync);
        await first.DisposeAsync();
        await using var second = await store.OpenAsync();
        Assert.Equal(store.ExpectedSchemaVersion, second.SchemaVersion);
    }
}
