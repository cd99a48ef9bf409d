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
    }

    /// <summary>
    /// Runs a DDL change: <paramref name="work"/> writes storage and returns the cache changes (namespace → new state,
    /// or null to remove), applied after commit.
    /// </summary>
    public async Task<T> RunDdlAsync<T>(Func<IStorageTransaction, ImmutableDictionary<string, CollectionState>, Dictionary<string, CollectionState?>, Task<T>> work, CancellationToken cancellationToken)
    {
        await _ddl.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Gate.EnterExclusiveAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var changes = new Dictionary<string, CollectionState?>(StringComparer.Ordinal);
                T result;
                await using (var tx = await _storage.BeginAsync(StorageTransactionMode.ReadWrite, cancellationToken).ConfigureAwait(false))
                {
                    result = await work(tx, Collections, changes).ConfigureAwait(false);
                    try
                    {
                        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (StorageWriteConflictException) when (attempt < 20)
                    {
                        // A concurrent document write touched the same keys (e.g. an index build racing inserts): redo.
                        continue;
                    }
                }

                var next = Collections;
                foreach (var (ns, state) in changes) next = state is null ? next.Remove(ns) : next.SetItem(ns, state);
                Volatile.Write(ref _collections, next);
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
