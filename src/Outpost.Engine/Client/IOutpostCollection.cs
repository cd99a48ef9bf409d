using System.Linq.Expressions;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// A collection of typed documents, shaped like the MongoDB .NET driver's <c>IMongoCollection&lt;T&gt;</c>. Every
/// method has an overload taking an <see cref="OutpostSession"/> first to run inside its transaction (the common ones).
/// Write errors (duplicate key 11000, validation 121, …) throw <see cref="MongoException"/>.
/// </summary>
public interface IOutpostCollection<T>
{
    /// <summary>The collection name.</summary>
    string Name { get; }

    /// <summary>The mapper that turns <typeparamref name="T"/> into documents.</summary>
    BsonMapper Mapper { get; }

    /// <summary>The BsonDocument-level engine collection underneath.</summary>
    Collection Inner { get; }

    /// <summary>Index management.</summary>
    OutpostIndexManager<T> Indexes { get; }

    /// <summary>Inserts one document; an empty ObjectId/Guid/string id is generated and set on the object.</summary>
    Task InsertOneAsync(T document, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="InsertOneAsync(T, CancellationToken)"/>
    Task InsertOneAsync(OutpostSession session, T document, CancellationToken cancellationToken = default);

    /// <summary>Inserts documents in one batch; ordered stops at the first failure.</summary>
    Task InsertManyAsync(IEnumerable<T> documents, bool ordered = true, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="InsertManyAsync(IEnumerable{T}, bool, CancellationToken)"/>
    Task InsertManyAsync(OutpostSession session, IEnumerable<T> documents, bool ordered = true, CancellationToken cancellationToken = default);

    /// <summary>Starts a find; see <see cref="IFindFluent{T}"/>.</summary>
    IFindFluent<T> Find(FilterDefinition<T> filter);

    /// <summary>Starts a find with a LINQ-style predicate.</summary>
    IFindFluent<T> Find(Expression<Func<T, bool>> predicate);

    /// <inheritdoc cref="Find(FilterDefinition{T})"/>
    IFindFluent<T> Find(OutpostSession session, FilterDefinition<T> filter);

    /// <summary>Same as <see cref="Find(Expression{Func{T, bool}})"/>.</summary>
    IFindFluent<T> Where(Expression<Func<T, bool>> predicate);

    /// <summary>Counts matching documents.</summary>
    Task<long> CountDocumentsAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="CountDocumentsAsync(FilterDefinition{T}, CancellationToken)"/>
    Task<long> CountDocumentsAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <summary>Updates the first matching document.</summary>
    Task<UpdateResult> UpdateOneAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UpdateOneAsync(FilterDefinition{T}, UpdateDefinition{T}, UpsertOptions?, CancellationToken)"/>
    Task<UpdateResult> UpdateOneAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Updates every matching document.</summary>
    Task<UpdateResult> UpdateManyAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="UpdateManyAsync(FilterDefinition{T}, UpdateDefinition{T}, UpsertOptions?, CancellationToken)"/>
    Task<UpdateResult> UpdateManyAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Replaces the first matching document (the id is kept).</summary>
    Task<UpdateResult> ReplaceOneAsync(FilterDefinition<T> filter, T replacement, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="ReplaceOneAsync(FilterDefinition{T}, T, UpsertOptions?, CancellationToken)"/>
    Task<UpdateResult> ReplaceOneAsync(OutpostSession session, FilterDefinition<T> filter, T replacement, UpsertOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes the first matching document.</summary>
    Task<DeleteResult> DeleteOneAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="DeleteOneAsync(FilterDefinition{T}, CancellationToken)"/>
    Task<DeleteResult> DeleteOneAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <summary>Deletes every matching document.</summary>
    Task<DeleteResult> DeleteManyAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="DeleteManyAsync(FilterDefinition{T}, CancellationToken)"/>
    Task<DeleteResult> DeleteManyAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default);

    /// <summary>Atomically updates one document and returns it before or after the update (null when none matched).</summary>
    Task<T?> FindOneAndUpdateAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options = null, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="FindOneAndUpdateAsync(FilterDefinition{T}, UpdateDefinition{T}, FindOneAndUpdateOptions{T}?, CancellationToken)"/>
    Task<T?> FindOneAndUpdateAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options = null, CancellationToken cancellationToken = default);

    /// <summary>Runs an aggregation pipeline and maps each result to <typeparamref name="TResult"/>.</summary>
    Task<List<TResult>> AggregateAsync<TResult>(IEnumerable<BsonDocument> pipeline, CancellationToken cancellationToken = default);

    /// <summary>Runs an aggregation pipeline and streams the results.</summary>
    IAsyncEnumerable<TResult> AggregateStream<TResult>(IEnumerable<BsonDocument> pipeline, CancellationToken cancellationToken = default);

    /// <summary>Opens a change stream on the collection (the start position is fixed when the task completes).</summary>
    Task<OutpostChangeStream<T>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default);
}
