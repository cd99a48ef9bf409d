using System.Collections.Immutable;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.ChangeStreams;
using Outpost.Engine.Indexes;
using Outpost.Engine.Writes;
using Outpost.Storage;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>createIndexes: builds the indexes on existing data. Codes 85/86 for conflicting options/names, 11000 when a unique build finds duplicates.</summary>
    public async Task<CreateIndexesResult> CreateIndexesAsync(IReadOnlyList<IndexModel> indexes, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(indexes);
        if (indexes.Count == 0) throw new MongoException(ErrorCodes.BadValue, "Must specify at least one index to create");
        var createdCollection = State is null;
        var initial = await GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        var specs = new List<(BsonDocument Spec, IIndexKind Kind)>();
        foreach (var model in indexes)
        {
            var spec = BuildSpec(model);
            specs.Add((spec, IndexKinds.Create(model.Keys, model.Sparse, Engine.Encoder, spec)));
        }

        return await Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            var state = current.TryGetValue(Namespace, out var s) ? s : initial;
            var before = state.Indexes.Length;
            var list = state.Indexes.ToBuilder();
            var added = new List<IndexState>();
            foreach (var (spec, kind) in specs)
            {
                Indexes.Text.TextIndexSpec.CheckSingle(list, spec);
                if (IsExisting(list, spec)) continue;
                var tree = await CatalogManager.AllocateTreeAsync(tx, cancellationToken).ConfigureAwait(false);
                var index = new IndexState(spec, tree, kind, false, IndexState.CanKeepIdInKey(kind, spec.TryGetValue("unique", out var u) && u is BsonBoolean { Value: true }));
                list.Add(index);
                added.Add(index);
            }

            if (added.Count == 0)
                return new CreateIndexesResult(before, before, createdCollection, "all indexes already exist");

            var updated = state.With(indexes: list.ToImmutable());

            // Build on existing data in the DDL transaction's snapshot: the index appears complete or not at all.
            await foreach (var entry in tx.ScanAsync(state.Tree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
            {
                var doc = BsonSerializer.Deserialize(entry.Value);
                foreach (var index in added)
                    await DocumentWriter.AddEntriesAsync(tx, updated, index, doc, entry.Key, null, cancellationToken).ConfigureAwait(false);
            }

            await CatalogManager.WriteStateAsync(tx, updated, cancellationToken).ConfigureAwait(false);
            foreach (var index in added)
                tx.AppendLog(ChangeLogRecord.Ddl("createIndexes", Database.Name, Name, new BsonDocument("index", index.Spec)));
            changes[Namespace] = updated;
            return new CreateIndexesResult(before, updated.Indexes.Length, createdCollection, null);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static BsonDocument BuildSpec(IndexModel model)
    {
        var name = model.Name ?? IndexModel.DefaultName(model.Keys);
        var spec = new BsonDocument { { "v", 2 }, { "key", model.Keys }, { "name", name } };
        if (model.Unique) spec.Add("unique", true);
        if (model.Sparse) spec.Add("sparse", true);
        if (model.Hidden) spec.Add("hidden", true);
        if (model.PartialFilterExpression is not null) spec.Add("partialFilterExpression", model.PartialFilterExpression);
        if (model.ExpireAfterSeconds is { } ttl) spec.Add("expireAfterSeconds", ttl);
        if (model.Collation is not null) spec.Add("collation", model.Collation);
        foreach (var e in model.Options) spec.Add(e.Name, e.Value);
        SpecialIndexSpecs.Complete(spec);
        if (name == "_id_" && !model.Keys.Equals(new BsonDocument("_id", 1)))
            throw new MongoException(ErrorCodes.BadValue, "The index name '_id_' is reserved for the _id index, which must have key pattern {_id: 1}");
        if (model.Keys.Equals(new BsonDocument("_id", 1)) && (model.Unique is false && model.Sparse || model.PartialFilterExpression is not null))
            throw new MongoException(ErrorCodes.BadValue, "The field 'sparse' is not valid for an _id index specification.");
        return spec;
    }

    /// <summary>Whether an identical index exists; throws 85/86 when an index conflicts by name or key pattern.</summary>
    private static bool IsExisting(ImmutableArray<IndexState>.Builder list, BsonDocument spec)
    {
        var name = spec["name"].AsString;
        var key = spec["key"].AsDocument;
        foreach (var existing in list)
        {
            var sameKey = existing.KeyPattern.Equals(key);
            if (existing.Name == name)
            {
                if (!sameKey)
                    throw new MongoException(ErrorCodes.IndexKeySpecsConflict,
                        $"An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: {spec}, existing index: {existing.Spec}");
                if (existing.IsIdIndex) return true;
                if (!SameOptions(existing.Spec, spec))
                    throw new MongoException(ErrorCodes.IndexOptionsConflict,
                        $"An equivalent index already exists with the same name but different options. Requested index: {spec}, existing index: {existing.Spec}");
                return true;
            }

            if (sameKey && SameIdentity(existing.Spec, spec))
            {
                if (existing.IsIdIndex && key.Equals(new BsonDocument("_id", 1)) && !spec.Contains("unique")) return true;
                throw new MongoException(ErrorCodes.IndexOptionsConflict, $"Index already exists with a different name: {existing.Name}");
            }
        }

        return false;
    }

    private static bool SameOptions(BsonDocument a, BsonDocument b)
    {
        static BsonDocument Strip(BsonDocument d)
        {
            var copy = new BsonDocument();
            foreach (var e in d)
                if (e.Name is not ("v" or "name" or "background" or "ns")) copy.Add(e);
            return copy;
        }

        return Strip(a).Equals(Strip(b));
    }

    /// <summary>Indexes with the same key may coexist when partial filter or collation differ (MongoDB's index identity).</summary>
    private static bool SameIdentity(BsonDocument a, BsonDocument b)
    {
        static BsonValue? Get(BsonDocument d, string n) => d.TryGetValue(n, out var v) ? v : null;
        return Equals(Get(a, "partialFilterExpression"), Get(b, "partialFilterExpression")) && Equals(Get(a, "collation"), Get(b, "collation"));
    }

    /// <summary>listIndexes: <c>{v: 2, key, name, …options}</c> per index, _id first. Code 26 when the collection is missing.</summary>
    public Task<IReadOnlyList<BsonDocument>> ListIndexesAsync(OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        var state = State ?? throw new MongoException(ErrorCodes.NamespaceNotFound, $"ns does not exist: {Namespace}");
        if (state.IsView) throw EngineErrors.ViewWrite(Namespace);
        var list = new List<BsonDocument>(state.Indexes.Length);
        foreach (var index in state.Indexes) list.Add(AsListed(index.Spec.DeepClone()));
        return Task.FromResult<IReadOnlyList<BsonDocument>>(list);
    }

    /// <summary>
    /// MongoDB lists a text index's key as <c>{_fts: "text", _ftsx: 1}</c> in place of its text fields (those are in
    /// <c>weights</c>), keeping any other fields around it; clients such as Mongoose's index sync rely on that shape.
    /// </summary>
    private static BsonDocument AsListed(BsonDocument spec)
    {
        if (!spec.TryGetValue("weights", out _) || spec["key"] is not BsonDocument key) return spec;
        var listed = new BsonDocument();
        var placed = false;
        foreach (var e in key)
        {
            if (e.Value is BsonString { Value: "text" })
            {
                if (placed) continue;
                listed.Add("_fts", "text");
                listed.Add("_ftsx", 1);
                placed = true;
            }
            else
            {
                listed.Add(e);
            }
        }

        spec.Set("key", listed);
        return spec;
    }

    /// <summary>dropIndexes: <paramref name="index"/> is "*", a name, a key pattern or an array of names. Returns nIndexesWas.</summary>
    public Task<int> DropIndexesAsync(BsonValue index, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        return Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            if (!current.TryGetValue(Namespace, out var state)) throw new MongoException(ErrorCodes.NamespaceNotFound, $"ns not found {Namespace}");
            if (state.IsView) throw EngineErrors.ViewWrite(Namespace);
            var drop = new List<IndexState>();
            switch (index)
            {
                case BsonString { Value: "*" }:
                    foreach (var i in state.Indexes) if (!i.IsIdIndex) drop.Add(i);
                    break;
                case BsonString name:
                    drop.Add(Resolve(state, name.Value));
                    break;
                case BsonArray names:
                    foreach (var n in names) drop.Add(Resolve(state, n.AsString));
                    break;
                case BsonDocument keys:
                    {
                        IndexState? found = null;
                        foreach (var i in state.Indexes) if (i.KeyPattern.Equals(keys)) found = i;
                        drop.Add(found ?? throw new MongoException(ErrorCodes.IndexNotFound, $"can't find index with key: {keys}"));
                        break;
                    }

                default:
                    throw new MongoException(ErrorCodes.TypeMismatch, "dropIndexes 'index' must be a string, document or array");
            }

            foreach (var i in drop)
                if (i.IsIdIndex) throw new MongoException(ErrorCodes.InvalidOptions, "cannot drop _id index");
            var remaining = state.Indexes.RemoveAll(drop.Contains);
            foreach (var i in drop)
            {
                await tx.DeleteRangeAsync(i.Tree, KeyRange.All, cancellationToken).ConfigureAwait(false);
                await tx.DeleteAsync(StorageLayout.MetaTree, StorageLayout.MultikeyKey(i.Tree), cancellationToken).ConfigureAwait(false);
                tx.AppendLog(ChangeLogRecord.Ddl("dropIndexes", Database.Name, Name, new BsonDocument("index", i.Spec)));
            }

            var updated = state.With(indexes: remaining);
            await CatalogManager.WriteStateAsync(tx, updated, cancellationToken).ConfigureAwait(false);
            changes[Namespace] = updated;
            return state.Indexes.Length;
        }, cancellationToken);
    }

    private static IndexState Resolve(CollectionState state, string name) =>
        state.FindIndex(name) ?? throw new MongoException(ErrorCodes.IndexNotFound, $"index not found with name [{name}]");
}
