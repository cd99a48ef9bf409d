using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>A database: a namespace of collections and views. Cheap handle; thread-safe.</summary>
public sealed class Database
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
    public Collection GetCollection(string name) => throw new NotImplementedException();

    /// <summary>
    /// listCollections: <c>{name, type: "collection"|"view"|"timeseries", options, info: {readOnly, uuid}, idIndex}</c> per
    /// collection matching <paramref name="filter"/> (nameOnly gives <c>{name, type}</c>).
    /// </summary>
    public Task<IReadOnlyList<BsonDocument>> ListCollectionsAsync(BsonDocument? filter = null, bool nameOnly = false, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>create: a collection or view. Code 48 NamespaceExists when it exists with different options.</summary>
    public Task CreateCollectionAsync(string name, CreateCollectionOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>drop: removes a collection or view with its indexes. Returns false when it did not exist.</summary>
    public Task<bool> DropCollectionAsync(string name, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>dropDatabase: removes every collection of the database.</summary>
    public Task DropAsync(OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>renameCollection to <paramref name="toDatabase"/>.<paramref name="toName"/>; code 48 when the target exists and not <paramref name="dropTarget"/>.</summary>
    public Task RenameCollectionAsync(string name, string toDatabase, string toName, bool dropTarget = false, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>collMod: changes validator/validationLevel/validationAction, view pipeline, index hidden/expireAfterSeconds, pre-images. Returns the reply fields.</summary>
    public Task<BsonDocument> CollModAsync(string name, BsonDocument command, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>dbStats figures: <c>{db, collections, views, objects, avgObjSize, dataSize, storageSize, indexes, indexSize, totalSize, scaleFactor}</c>.</summary>
    public Task<BsonDocument> StatsAsync(int scale = 1, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>A database-level aggregate (<c>aggregate: 1</c>, e.g. $documents, $changeStream).</summary>
    public Task<Cursor> AggregateAsync(BsonArray pipeline, AggregateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Watches every collection of this database.</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
