using System.Text;
using Outpost.Storage;

namespace Outpost.Storage.Tests;

/// <summary>
/// <see cref="IStorageEngine.PrefetchInSnapshots"/> is only a hint: a prefetched key reads exactly as any other key —
/// its value in the transaction's snapshot, then the transaction's own writes to it.
/// </summary>
public sealed class SnapshotPrefetchTests
{
    private const long Meta = 2;
    private const long Other = 9;

    private static readonly byte[] VersionKey = "catalog-version"u8.ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] S(string text) => Encoding.UTF8.GetBytes(text);

    [Theory]
    [MemberData(nameof(StorageBackend.Names), MemberType = typeof(StorageBackend))]
    public async Task A_prefetched_key_reads_its_snapshot_value_then_the_transactions_own_writes(string backend)
    {
        await using var store = await StorageBackend.CreateAsync(backend);
        await using var engine = await store.OpenAsync();
        engine.PrefetchInSnapshots(Meta, VersionKey);

        await using (var empty = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct))
        {
            Assert.Null(await empty.GetAsync(Meta, VersionKey, Ct));
        }

        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Meta, VersionKey, S("1"), Ct);
            Assert.Equal(S("1"), await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.CommitAsync(Ct);
        }

        // A reader's snapshot keeps its value while another transaction commits a new one.
        await using var reader = await engine.BeginAsync(StorageTransactionMode.ReadOnly, Ct);
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            Assert.Equal(S("1"), await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.PutAsync(Meta, VersionKey, S("2"), Ct);
            Assert.Equal(S("2"), await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.CommitAsync(Ct);
        }

        Assert.Equal(S("1"), await reader.GetAsync(Meta, VersionKey, Ct));

        // Deleting it, alone or with a range of its tree, is seen too; other keys of the tree are untouched by the hint.
        await using (var tx = await engine.BeginAsync(StorageTransactionMode.ReadWrite, Ct))
        {
            await tx.PutAsync(Meta, S("other"), S("x"), Ct);
            Assert.Equal(S("2"), await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.DeleteAsync(Meta, VersionKey, Ct);
            Assert.Null(await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.PutAsync(Meta, VersionKey, S("3"), Ct);
            await tx.DeleteRangeAsync(Meta, KeyRange.All, Ct);
            Assert.Null(await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.PutAsync(Other, VersionKey, S("same key, other tree"), Ct);
            Assert.Null(await tx.GetAsync(Meta, VersionKey, Ct));
            await tx.CommitAsync(Ct);
        }

        await using var after = await engine.BeginAsync(StorageTransactionMode.Exclusive, Ct);
        Assert.Null(await after.GetAsync(Meta, VersionKey, Ct));
        Assert.Equal(S("same key, other tree"), await after.GetAsync(Other, VersionKey, Ct));
    }
}
