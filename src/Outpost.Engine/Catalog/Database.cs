using System.Collections.Immutable;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.ChangeStreams;
using Outpost.Engine.Query;

namespace Outpost.Engine;

/// <summary>A database: a namespace of collections and views. Cheap handle; thread-safe.</summary>
public sealed partial class Database
{
    internal Database(OutpostEngine engine, string name)
    {
        Engine = engine;
        Name = name;
    }

    /// <summary>The engine.</summary>
    public OutpostEngine Engine { get; }

    /// <summary>The database name.</summary>
    public string Name { get; }

    /// <summary>A collection handle; the collection is created implicitly by the first write or index.</summary>
    public Collection GetCollection(string name)
    {
        Names.ValidateCollection(Name, name);
        return new Collection(this, name);
    }

    /// <summary>A handle without name validation (internal names such as temporary $out targets).</summary>
    internal Collection GetCollectionUnchecked(string name) => new(this, name);

    internal IEnumerable<CollectionState> States()
    {
        foreach (var state in Engine.Catalog.Collections.Values)
            if (state.Database == Name) yield return state;
    }

    /// <summary>
    /// listCollections: <c>{name, type: "collection"|"view"|"timeseries", options, info: {readOnly, uuid}, idIndex}</c> per
    /// collection matching <paramref name="filter"/> (nameOnly gives <c>{name, type}</c>).
    /// </summary>
    public Task<IReadOnlyList<BsonDocument>> ListCollectionsAsync(BsonDocument? filter = null, bool nameOnly = false, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        var matcher = filter is { ElementCount: > 0 } ? DocumentMatcher.Create(filter, Outpost.Query.QueryContext.Default) : null;
        var list = new List<BsonDocument>();
        var states = States().ToList();
        states.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var state in states)
        {
            var full = new BsonDocument { { "name", state.Name }, { "type", state.Type }, { "options", state.Options.ToDocument() } };
            full.Add("info", new BsonDocument { { "readOnly", state.IsView }, { "uuid", BsonBinary.FromGuid(state.Uuid) } });
            if (!state.IsView) full.Add("idIndex", state.IdIndex.Spec);
            if (matcher is not null && !matcher.Matches(full)) continue;
            list.Add(nameOnly ? new BsonDocument { { "name", state.Name }, { "type", state.Type } } : full);
        }

        return Task.FromResult<IReadOnlyList<BsonDocument>>(list);
    }

    /// <summary>create: a collection or view. Code 48 NamespaceExists when it exists.</summary>
    public async Task CreateCollectionAsync(string name, CreateCollectionOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        Names.ValidateCollection(Name, name);
        options ??= new CreateCollectionOptions();
        ValidateOptions(options);
        options = TimeSeries.TimeSeriesRules.Normalize(options);
        await Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            if (current.TryGetValue(Name + "." + name, out var existing))
            {
                // MongoDB accepts a repeated create with identical options.
                if (existing.Options.ToDocument().Equals(options.ToDocument()) && !existing.IsView) return 0;
                throw EngineErrors.NamespaceExists(Name + "." + name);
            }

            if (options.ViewOn is not null && options.ViewOn.Length == 0)
                throw new MongoException(ErrorCodes.InvalidNamespace, "'viewOn' cannot be empty");
            var state = await Engine.Catalog.CreateInAsync(tx, Name, name, options, cancellationToken).ConfigureAwait(false);
            changes[state.Namespace] = state;
            return 0;
        }, cancellationToken, exclusive: false).ConfigureAwait(false);
    }

    private static void ValidateOptions(CreateCollectionOptions options)
    {
        if (options.ValidationLevel is not null and not ("off" or "strict" or "moderate"))
            throw new MongoException(ErrorCodes.BadValue, $"Enumeration value '{options.ValidationLevel}' for field 'validationLevel' is not a valid value.");
        if (options.ValidationAction is not null and not ("error" or "warn"))
            throw new MongoException(ErrorCodes.BadValue, $"Enumeration value '{options.ValidationAction}' for field 'validationAction' is not a valid value.");
        if (options.Capped && options.Size is null or <= 0)
            throw new MongoException(ErrorCodes.InvalidOptions, "the 'size' field is required when 'capped' is true");
        if (options.ViewOn is null && options.Pipeline is not null)
            throw new MongoException(ErrorCodes.InvalidOptions, "'pipeline' requires 'viewOn' to also be specified");
    }

    /// <summary>drop: removes a collection or view with its indexes. Returns false when it did not exist.</summary>
    public Task<bool> DropCollectionAsync(string name, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            if (!current.TryGetValue(Name + "." + name, out var state)) return false;
            await CatalogManager.DropInAsync(tx, state, log: true, cancellationToken).ConfigureAwait(false);
            changes[state.Namespace] = null;
            return true;
        }, cancellationToken);

    /// <summary>dropDatabase: removes every collection of the database.</summary>
    public Task DropAsync(OperationContext? context = null, CancellationToken cancellationToken = default) =>
        Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            var any = false;
            foreach (var state in current.Values)
            {
                if (state.Database != Name) continue;
                any = true;
                await CatalogManager.DropInAsync(tx, state, log: true, cancellationToken).ConfigureAwait(false);
                changes[state.Namespace] = null;
            }

            if (any) tx.AppendLog(ChangeLogRecord.Ddl("dropDatabase", Name, null));
            return 0;
        }, cancellationToken);

    /// <summary>renameCollection to <paramref name="toDatabase"/>.<paramref name="toName"/>; code 48 when the target exists and not <paramref name="dropTarget"/>.</summary>
    public Task RenameCollectionAsync(string name, string toDatabase, string toName, bool dropTarget = false, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        Names.ValidateDatabase(toDatabase);
        Names.ValidateCollection(toDatabase, toName);
        return Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            if (!current.TryGetValue(Name + "." + name, out var state)) throw new MongoException(ErrorCodes.NamespaceNotFound, "source namespace does not exist");
            if (state.Database == toDatabase && state.Name == toName) throw new MongoException(ErrorCodes.IllegalOperation, "Can't rename a collection to itself");
            if (current.TryGetValue(toDatabase + "." + toName, out var target))
            {
                if (!dropTarget) throw new MongoException(ErrorCodes.NamespaceExists, "target namespace exists");
                await CatalogManager.DropInAsync(tx, target, log: true, cancellationToken).ConfigureAwait(false);
                changes[target.Namespace] = null;
            }

            await tx.DeleteAsync(StorageLayout.CatalogTree, StorageLayout.CatalogKey(state.Database, state.Name), cancellationToken).ConfigureAwait(false);
            var renamed = state.With(database: toDatabase, name: toName);
            await CatalogManager.WriteStateAsync(tx, renamed, cancellationToken).ConfigureAwait(false);
            tx.AppendLog(ChangeLogRecord.Ddl("rename", state.Database, state.Name, new BsonDocument("to", new BsonDocument { { "db", toDatabase }, { "coll", toName } })));
            changes[state.Namespace] = null;
            changes[renamed.Namespace] = renamed;
            return 0;
        }, cancellationToken);
    }

    /// <summary>collMod: changes validator/validationLevel/validationAction, view pipeline, index hidden/expireAfterSeconds, pre-images. Returns the reply fields.</summary>
    public Task<BsonDocument> CollModAsync(string name, BsonDocument command, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
        {
            if (!current.TryGetValue(Name + "." + name, out var state)) throw EngineErrors.NamespaceNotFound(Name + "." + name);
            var options = state.Options.ToDocument();
            var reply = new BsonDocument();
            var indexes = state.Indexes;
            foreach (var e in command)
            {
                switch (e.Name)
                {
                    case "collMod": break;
                    case "validator" or "validationLevel" or "validationAction" or "viewOn" or "pipeline" or "expireAfterSeconds":
                        options.Set(e.Name, e.Value);
                        break;
                    case "changeStreamPreAndPostImages":
                        options.Set(e.Name, e.Value);
                        break;
                    case "index":
                        (indexes, reply) = ModifyIndex(state, e.Value.AsDocument);
                        break;
                    default:
                        if (e.Name.StartsWith('$') || e.Name is "lsid" or "txnNumber" or "writeConcern" or "comment" or "maxTimeMS") break;
                        throw new MongoException(ErrorCodes.InvalidOptions, $"unknown option to collMod: {e.Name}");
                }
            }

            var parsed = CreateCollectionOptions.FromDocument(options);
            ValidateOptions(parsed);
            var updated = state.With(options: parsed, indexes: indexes);
            await CatalogManager.WriteStateAsync(tx, updated, cancellationToken).ConfigureAwait(false);
            tx.AppendLog(ChangeLogRecord.Ddl("modify", Name, name));
            changes[state.Namespace] = updated;
            return reply;
        }, cancellationToken);
    }

    private static (ImmutableArray<IndexState>, BsonDocument) ModifyIndex(CollectionState state, BsonDocument spec)
    {
        IndexState? target = null;
        foreach (var index in state.Indexes)
        {
            if (spec.TryGetValue("name", out var n) && n is BsonString s && s.Value == index.Name) target = index;
            if (spec.TryGetValue("keyPattern", out var k) && k is BsonDocument kp && kp.Equals(index.KeyPattern)) target = index;
        }

        if (target is null) throw new MongoException(ErrorCodes.IndexNotFound, "cannot find index for collMod");
        var newSpec = target.Spec.DeepClone();
        var reply = new BsonDocument();
        if (spec.TryGetValue("hidden", out var hidden))
        {
            reply.Add("hidden_old", target.Hidden);
            reply.Add("hidden_new", hidden);
            if (hidden is BsonBoolean { Value: true }) newSpec.Set("hidden", true);
            else newSpec.Remove("hidden");
        }

        if (spec.TryGetValue("expireAfterSeconds", out var ttl))
        {
            if (newSpec.TryGetValue("expireAfterSeconds", out var old)) reply.Add("expireAfterSeconds_old", old);
            reply.Add("expireAfterSeconds_new", ttl);
            newSpec.Set("expireAfterSeconds", ttl);
        }

        var builder = state.Indexes.ToBuilder();
        builder[state.Indexes.IndexOf(target)] = new IndexState(newSpec, target.Tree, target.Kind, target.Multikey, target.IdInKey);
        return (builder.ToImmutable(), reply);
    }

    /// <summary>dbStats figures: <c>{db, collections, views, objects, avgObjSize, dataSize, storageSize, indexes, indexSize, totalSize, scaleFactor}</c>.</summary>
    public async Task<BsonDocument> StatsAsync(int scale = 1, CancellationToken cancellationToken = default)
    {
        if (scale <= 0) scale = 1;
        long collections = 0, views = 0, objects = 0, dataSize = 0, indexes = 0, indexSize = 0;
        foreach (var state in States())
        {
            if (state.IsView)
            {
                views++;
                continue;
            }

            collections++;
            var stats = await new Collection(this, state.Name).StatsAsync(1, cancellationToken).ConfigureAwait(false);
            objects += stats["count"].ToInt64();
            dataSize += stats["size"].ToInt64();
            indexes += stats["nindexes"].ToInt64();
            indexSize += stats["totalIndexSize"].ToInt64();
        }

        return new BsonDocument
        {
            { "db", Name }, { "collections", collections }, { "views", views }, { "objects", objects },
            { "avgObjSize", objects == 0 ? 0.0 : (double)dataSize / objects }, { "dataSize", (double)dataSize / scale },
            { "storageSize", (double)dataSize / scale }, { "indexes", indexes }, { "indexSize", (double)indexSize / scale },
            { "totalSize", (double)(dataSize + indexSize) / scale }, { "scaleFactor", scale }, { "fsUsedSize", 0.0 }, { "fsTotalSize", 0.0 },
        };
    }

    /// <summary>A database-level aggregate (<c>aggregate: 1</c>, e.g. $documents, $changeStream).</summary>
    public Task<Cursor> AggregateAsync(BsonArray pipeline, AggregateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        new Collection(this, "$cmd.aggregate").AggregateAsync(pipeline, options, context, cancellationToken);

    /// <summary>Watches every collection of this database.</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        Engine.OpenChangeStreamAsync(Name, null, pipeline, options, cancellationToken);
}
