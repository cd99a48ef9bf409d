using System.Collections.Immutable;
using Outpost.Bson;
using Outpost.Engine.ChangeStreams;
using Outpost.Engine.Indexes;
using Outpost.Engine.Keys;
using Outpost.Storage;

namespace Outpost.Engine.Catalog;

/// <summary>
/// The catalog: collections, views and their indexes, persisted in the catalog tree and cached in memory.
/// DDL is serialized by one lock and written (with its change-log entries) in one storage transaction; the cache
/// is replaced after the commit succeeds.
/// </summary>
internal sealed class CatalogManager
{
    private readonly IStorageEngine _storage;
    private readonly IKeyEncoder _encoder;
    private readonly SemaphoreSlim _ddl = new(1, 1);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private long _version;
    private ImmutableDictionary<string, CollectionState> _collections = ImmutableDictionary<string, CollectionState>.Empty.WithComparers(StringComparer.Ordinal);

    public CatalogManager(IStorageEngine storage, IKeyEncoder encoder)
    {
        _storage = storage;
        _encoder = encoder;
    }

    public IKeyEncoder Encoder => _encoder;

    /// <summary>Shared by document writes, exclusive for DDL.</summary>
    public CatalogGate Gate { get; } = new();

    public ImmutableDictionary<string, CollectionState> Collections => Volatile.Read(ref _collections);

    public CollectionState? TryGet(string database, string name) =>
        Collections.TryGetValue(database + "." + name, out var state) ? state : null;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var tx = await _storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        var version = await ReadVersionAsync(tx, cancellationToken).ConfigureAwait(false);
        var multikey = new HashSet<long>();
        await foreach (var entry in tx.ScanAsync(StorageLayout.MetaTree, KeyRange.Prefix(StorageLayout.MultikeyPrefix), false, cancellationToken).ConfigureAwait(false))
            multikey.Add(StorageLayout.ReadInt64(entry.Key.AsSpan(2)));
        var builder = ImmutableDictionary.CreateBuilder<string, CollectionState>(StringComparer.Ordinal);
        await foreach (var entry in tx.ScanAsync(StorageLayout.CatalogTree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
        {
            var state = CollectionState.FromCatalogDocument(BsonSerializer.Deserialize(entry.Value), _encoder, multikey.Contains);
            builder[state.Namespace] = state;
        }

        Volatile.Write(ref _collections, builder.ToImmutable());
        Interlocked.Exchange(ref _version, version);
    }

    /// <summary>
    /// Makes sure the cached catalog is the one <paramref name="tx"/>'s snapshot sees. Another process sharing the
    /// store (a second server node on the same PostgreSQL) may have created a collection or index since this cache was
    /// loaded; writing with the old catalog would skip that index's entries (and its unique constraint). Returns false
    /// after reloading the cache, when the caller must restart its transaction so it runs on the new catalog.
    /// One point read per write transaction; the reload itself only happens after a catalog change.
    /// </summary>
    public async Task<bool> EnsureCurrentAsync(IStorageTransaction tx, CancellationToken cancellationToken)
    {
        var seen = await ReadVersionAsync(tx, cancellationToken).ConfigureAwait(false);
        if (seen == Interlocked.Read(ref _version)) return true;
        await _reload.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another writer may have reloaded while we waited.
            if (seen != Interlocked.Read(ref _version)) await LoadAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reload.Release();
        }

        return false;
    }

    /// <summary>True when other processes change this store's catalog too (see <see cref="IStorageEngine.IsShared"/>).</summary>
    public bool IsShared => _storage.IsShared;

    /// <summary>
    /// Whether the read plan made on <paramref name="planned"/> (reading <paramref name="index"/>, or the collection
    /// tree alone when null) can still run on <paramref name="tx"/>'s snapshot: the collection is the same (not dropped,
    /// renamed away or recreated) and the index was not dropped nor became multikey since. On a shared store the
    /// snapshot's catalog version is checked first (no round trip on PostgreSQL: it is prefetched with BEGIN) and the
    /// cache reloaded when it moved; tree numbers are never reused, so an index present in the plan and in the newer
    /// catalog was present all along.
    /// </summary>
    public async ValueTask<bool> StillValidAsync(IStorageTransaction tx, CollectionState planned, IndexState? index, bool plannedMultikey, CancellationToken cancellationToken)
    {
        if (IsShared) await EnsureCurrentAsync(tx, cancellationToken).ConfigureAwait(false);
        if (!Collections.TryGetValue(planned.Namespace, out var current) || current.Uuid != planned.Uuid || current.Tree != planned.Tree) return false;
        if (index is null) return true;
        foreach (var candidate in current.Indexes)
            if (candidate.Tree == index.Tree) return !candidate.Multikey || plannedMultikey;
        return false;
    }

    /// <summary>
    /// Reloads the cached catalog if another process changed it. Reads call this only when they miss a collection
    /// (one storage round trip), so a node serves collections another node created after it loaded its catalog.
    /// </summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var tx = await _storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        await EnsureCurrentAsync(tx, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a catalog change in <paramref name="tx"/> (see <see cref="StorageLayout.CatalogVersionKey"/>).</summary>
    public static async Task<long> BumpVersionAsync(IStorageTransaction tx, CancellationToken cancellationToken)
    {
        var next = await ReadVersionAsync(tx, cancellationToken).ConfigureAwait(false) + 1;
        await tx.PutAsync(StorageLayout.MetaTree, StorageLayout.CatalogVersionKey, StorageLayout.Int64(next), cancellationToken).ConfigureAwait(false);
        return next;
    }

    private static async Task<long> ReadVersionAsync(IStorageTransaction tx, CancellationToken cancellationToken)
    {
        var value = await tx.GetAsync(StorageLayout.MetaTree, StorageLayout.CatalogVersionKey, cancellationToken).ConfigureAwait(false);
        return value is null ? 0 : StorageLayout.ReadInt64(value);
    }

    /// <summary>
    /// Runs a DDL change: <paramref name="work"/> writes storage and returns the cache changes (namespace → new state,
    /// or null to remove), applied after commit. <paramref name="exclusive"/> (the default) runs it in an
    /// <see cref="StorageTransactionMode.Exclusive"/> storage transaction, so writers on other nodes that still use the
    /// old catalog cannot commit past it (an index build sees every document, a drop leaves no orphan); creating a new
    /// collection needs no such ordering and passes false, which also lets a multi-document transaction that holds
    /// writes create collections implicitly.
    /// </summary>
    public async Task<T> RunDdlAsync<T>(Func<IStorageTransaction, ImmutableDictionary<string, CollectionState>, Dictionary<string, CollectionState?>, Task<T>> work, CancellationToken cancellationToken, bool exclusive = true)
    {
        var mode = exclusive ? StorageTransactionMode.Exclusive : StorageTransactionMode.ReadWrite;
        await _ddl.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Gate.EnterExclusiveAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var changes = new Dictionary<string, CollectionState?>(StringComparer.Ordinal);
                T result;
                long version;
                try
                {
                    await using var tx = await _storage.BeginAsync(mode, cancellationToken).ConfigureAwait(false);

                    // DDL decides on the catalog as this snapshot sees it (another node may have changed it), and bumps
                    // the version: two nodes changing the catalog at once conflict on that key and one redoes its work.
                    if (!await EnsureCurrentAsync(tx, cancellationToken).ConfigureAwait(false)) continue;
                    result = await work(tx, Collections, changes).ConfigureAwait(false);
                    version = await BumpVersionAsync(tx, cancellationToken).ConfigureAwait(false);
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (StorageWriteConflictException) when (attempt < 20)
                {
                    // A concurrent write touched the same keys (an index build racing inserts), or PostgreSQL chose this
                    // transaction as a deadlock victim (a writer on another node waiting for our lock holds a row we
                    // write): redo it on a fresh snapshot.
                    continue;
                }

                var next = Collections;
                foreach (var (ns, state) in changes) next = state is null ? next.Remove(ns) : next.SetItem(ns, state);
                Volatile.Write(ref _collections, next);
                Interlocked.Exchange(ref _version, version);
                return result;
            }
        }
        finally
        {
            Gate.ExitExclusive();
            _ddl.Release();
        }
    }

    public static async Task<long> AllocateTreeAsync(IStorageTransaction tx, CancellationToken cancellationToken)
    {
        var current = await tx.GetAsync(StorageLayout.MetaTree, StorageLayout.NextTreeKey, cancellationToken).ConfigureAwait(false);
        var next = current is null ? StorageLayout.FirstAllocatedTree : StorageLayout.ReadInt64(current);
        await tx.PutAsync(StorageLayout.MetaTree, StorageLayout.NextTreeKey, StorageLayout.Int64(next + 1), cancellationToken).ConfigureAwait(false);
        return next;
    }

    public static Task WriteStateAsync(IStorageTransaction tx, CollectionState state, CancellationToken cancellationToken) =>
        tx.PutAsync(StorageLayout.CatalogTree, StorageLayout.CatalogKey(state.Database, state.Name), BsonSerializer.Serialize(state.ToCatalogDocument()), cancellationToken).AsTask();

    /// <summary>Creates a collection or view inside a DDL transaction (no existence check).</summary>
    public async Task<CollectionState> CreateInAsync(IStorageTransaction tx, string database, string name, CreateCollectionOptions options, CancellationToken cancellationToken)
    {
        long tree = 0;
        var indexes = ImmutableArray<IndexState>.Empty;
        if (options.ViewOn is null)
        {
            tree = await AllocateTreeAsync(tx, cancellationToken).ConfigureAwait(false);
            var idTree = await AllocateTreeAsync(tx, cancellationToken).ConfigureAwait(false);
            var idKey = new BsonDocument("_id", 1);
            var idSpec = new BsonDocument { { "v", 2 }, { "key", idKey }, { "name", "_id_" } };
            if (options.Collation is not null) idSpec.Add("collation", options.Collation);
            indexes = [new IndexState(idSpec, idTree, IndexKinds.Create(idKey, false, _encoder), false)];
        }

        var natural = options.Capped && options.ViewOn is null ? await AllocateTreeAsync(tx, cancellationToken).ConfigureAwait(false) : 0;
        var state = new CollectionState(database, name, Guid.NewGuid(), tree, options, indexes, natural);
        await WriteStateAsync(tx, state, cancellationToken).ConfigureAwait(false);
        tx.AppendLog(ChangeLogRecord.Ddl("create", database, name, new BsonDocument("uuid", BsonBinary.FromGuid(state.Uuid))));
        return state;
    }

    /// <summary>Removes a collection's data, indexes and catalog record inside a DDL transaction.</summary>
    public static async Task DropInAsync(IStorageTransaction tx, CollectionState state, bool log, CancellationToken cancellationToken)
    {
        if (state.Tree != 0) await tx.DeleteRangeAsync(state.Tree, KeyRange.All, cancellationToken).ConfigureAwait(false);
        if (state.IsCapped)
        {
            await tx.DeleteRangeAsync(state.NaturalTree, KeyRange.All, cancellationToken).ConfigureAwait(false);
            await tx.DeleteAsync(StorageLayout.MetaTree, StorageLayout.CappedStatsKey(state.NaturalTree), cancellationToken).ConfigureAwait(false);
        }
        foreach (var index in state.Indexes)
        {
            await tx.DeleteRangeAsync(index.Tree, KeyRange.All, cancellationToken).ConfigureAwait(false);
            await tx.DeleteAsync(StorageLayout.MetaTree, StorageLayout.MultikeyKey(index.Tree), cancellationToken).ConfigureAwait(false);
        }

        await tx.DeleteAsync(StorageLayout.CatalogTree, StorageLayout.CatalogKey(state.Database, state.Name), cancellationToken).ConfigureAwait(false);
        if (log) tx.AppendLog(ChangeLogRecord.Ddl("drop", state.Database, state.Name));
    }
}
