using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// A collection (or view) handle. Every operation takes an <see cref="OperationContext"/> (transaction, deadline)
/// and a CancellationToken. Writes to a missing collection create it; reads of a missing collection see nothing.
/// </summary>
public sealed class Collection
{
    internal Collection(Database database, string name)
    {
        Database = database;
        Name = name;
    }

    /// <summary>The database.</summary>
    public Database Database { get; }

    /// <summary>The collection name.</summary>
    public string Name { get; }

    /// <summary>"db.collection".</summary>
    public string Namespace => Database.Name + "." + Name;

    /// <summary>insert: adds documents (an _id ObjectId is generated first in the document when missing).</summary>
    public Task<WriteResult> InsertAsync(IReadOnlyList<BsonDocument> documents, InsertOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>update: applies each statement (one transaction per statement outside a multi-document transaction).</summary>
    public Task<WriteResult> UpdateAsync(IReadOnlyList<UpdateStatement> statements, UpdateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>delete: removes the documents each statement selects.</summary>
    public Task<WriteResult> DeleteAsync(IReadOnlyList<DeleteStatement> statements, DeleteOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>findAndModify: atomically updates or removes one document and returns it. Errors throw.</summary>
    public Task<FindAndModifyResult> FindAndModifyAsync(FindAndModifyOptions options, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>find: a cursor over the matching documents.</summary>
    public Task<Cursor> FindAsync(FindOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>count: matching documents (after skip, up to limit).</summary>
    public Task<long> CountAsync(CountOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>distinct: distinct values of <paramref name="key"/> (array elements flattened) among matching documents.</summary>
    public Task<BsonArray> DistinctAsync(string key, BsonDocument? filter = null, BsonDocument? collation = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>aggregate: runs a pipeline; a leading <c>$changeStream</c> stage returns a <see cref="ChangeStreamCursor"/>.</summary>
    public Task<Cursor> AggregateAsync(BsonArray pipeline, AggregateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>explain of a find: <c>{queryPlanner: {namespace, parsedQuery, winningPlan, rejectedPlans}, executionStats?}</c>.</summary>
    public Task<BsonDocument> ExplainFindAsync(FindOptions options, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>explain of an aggregate: <c>{stages: [{$cursor: {queryPlanner…}}, …]}</c>, or the find shape when the pipeline reduces to a query.</summary>
    public Task<BsonDocument> ExplainAggregateAsync(BsonArray pipeline, AggregateOptions? options = null, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>explain of a count (the find plan with a COUNT stage on top).</summary>
    public Task<BsonDocument> ExplainCountAsync(CountOptions options, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>createIndexes: builds the indexes on existing data. Codes 85/86 for conflicting options/names, 11000 when a unique build finds duplicates.</summary>
    public Task<CreateIndexesResult> CreateIndexesAsync(IReadOnlyList<IndexModel> indexes, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>listIndexes: <c>{v: 2, key, name, …options}</c> per index, _id first. Code 26 when the collection is missing.</summary>
    public Task<IReadOnlyList<BsonDocument>> ListIndexesAsync(OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>dropIndexes: <paramref name="index"/> is "*", a name, a key pattern or an array of names. Returns nIndexesWas.</summary>
    public Task<int> DropIndexesAsync(BsonValue index, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Watches this collection.</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>collStats figures: <c>{ns, count, size, avgObjSize, storageSize, nindexes, totalIndexSize, indexSizes, capped, max?, maxSize?}</c>.</summary>
    public Task<BsonDocument> StatsAsync(int scale = 1, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();
}
