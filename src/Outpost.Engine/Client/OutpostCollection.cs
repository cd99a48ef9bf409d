using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>The <see cref="IOutpostCollection{T}"/> implementation over an engine <see cref="Collection"/>.</summary>
public sealed class OutpostCollection<T> : IOutpostCollection<T>
{
    /// <summary>Wraps an engine collection; documents are mapped with <paramref name="mapper"/>.</summary>
    public OutpostCollection(Collection inner, BsonMapper mapper)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(mapper);
        Inner = inner;
        Mapper = mapper;
        Indexes = new OutpostIndexManager<T>(inner, mapper);
    }

    /// <inheritdoc/>
    public string Name => Inner.Name;

    /// <inheritdoc/>
    public BsonMapper Mapper { get; }

    /// <inheritdoc/>
    public Collection Inner { get; }

    /// <inheritdoc/>
    public OutpostIndexManager<T> Indexes { get; }

    /// <inheritdoc/>
    public Task InsertOneAsync(T document, CancellationToken cancellationToken = default) => InsertCoreAsync(null, [document], true, cancellationToken);

    /// <inheritdoc/>
    public Task InsertOneAsync(OutpostSession session, T document, CancellationToken cancellationToken = default) => InsertCoreAsync(session, [document], true, cancellationToken);

    /// <inheritdoc/>
    public Task InsertManyAsync(IEnumerable<T> documents, bool ordered = true, CancellationToken cancellationToken = default) => InsertCoreAsync(null, documents, ordered, cancellationToken);

    /// <inheritdoc/>
    public Task InsertManyAsync(OutpostSession session, IEnumerable<T> documents, bool ordered = true, CancellationToken cancellationToken = default) => InsertCoreAsync(session, documents, ordered, cancellationToken);

    /// <inheritdoc/>
    public IFindFluent<T> Find(FilterDefinition<T> filter) => new FindFluent<T>(this, null, filter);

    /// <inheritdoc/>
    public IFindFluent<T> Find(Expression<Func<T, bool>> predicate) => new FindFluent<T>(this, null, Filter<T>.Where(predicate));

    /// <inheritdoc/>
    public IFindFluent<T> Find(OutpostSession session, FilterDefinition<T> filter) => new FindFluent<T>(this, session, filter);

    /// <inheritdoc/>
    public IFindFluent<T> Where(Expression<Func<T, bool>> predicate) => Find(predicate);

    /// <inheritdoc/>
    public Task<long> CountDocumentsAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default) => CountCoreAsync(null, filter, 0, 0, cancellationToken);

    /// <inheritdoc/>
    public Task<long> CountDocumentsAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default) => CountCoreAsync(session, filter, 0, 0, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> UpdateOneAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(null, filter, Render(update), false, options, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> UpdateOneAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(session, filter, Render(update), false, options, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> UpdateManyAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(null, filter, Render(update), true, options, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> UpdateManyAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(session, filter, Render(update), true, options, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> ReplaceOneAsync(FilterDefinition<T> filter, T replacement, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(null, filter, Mapper.ToDocument(replacement), false, options, cancellationToken);

    /// <inheritdoc/>
    public Task<UpdateResult> ReplaceOneAsync(OutpostSession session, FilterDefinition<T> filter, T replacement, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        UpdateCoreAsync(session, filter, Mapper.ToDocument(replacement), false, options, cancellationToken);

    /// <inheritdoc/>
    public Task<DeleteResult> DeleteOneAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default) => DeleteCoreAsync(null, filter, 1, cancellationToken);

    /// <inheritdoc/>
    public Task<DeleteResult> DeleteOneAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default) => DeleteCoreAsync(session, filter, 1, cancellationToken);

    /// <inheritdoc/>
    public Task<DeleteResult> DeleteManyAsync(FilterDefinition<T> filter, CancellationToken cancellationToken = default) => DeleteCoreAsync(null, filter, 0, cancellationToken);

    /// <inheritdoc/>
    public Task<DeleteResult> DeleteManyAsync(OutpostSession session, FilterDefinition<T> filter, CancellationToken cancellationToken = default) => DeleteCoreAsync(session, filter, 0, cancellationToken);

    /// <inheritdoc/>
    public Task<T?> FindOneAndUpdateAsync(FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options = null, CancellationToken cancellationToken = default) =>
        FindOneAndUpdateCoreAsync(null, filter, update, options, cancellationToken);

    /// <inheritdoc/>
    public Task<T?> FindOneAndUpdateAsync(OutpostSession session, FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options = null, CancellationToken cancellationToken = default) =>
        FindOneAndUpdateCoreAsync(session, filter, update, options, cancellationToken);

    /// <inheritdoc/>
    public async Task<List<TResult>> AggregateAsync<TResult>(IEnumerable<BsonDocument> pipeline, CancellationToken cancellationToken = default)
    {
        var results = new List<TResult>();
        await foreach (var item in AggregateStream<TResult>(pipeline, cancellationToken).ConfigureAwait(false)) results.Add(item);
        return results;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<TResult> AggregateStream<TResult>(IEnumerable<BsonDocument> pipeline, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var stages = new BsonArray();
        foreach (var stage in pipeline) stages.Add(stage);
        var cursor = await Inner.AggregateAsync(stages, null, null, cancellationToken).ConfigureAwait(false);
        try
        {
            while (!cursor.IsExhausted)
            {
                var batch = await cursor.NextBatchAsync(256, null, 16 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                foreach (var document in batch) yield return Mapper.FromDocument<TResult>(document);
            }
        }
        finally
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<OutpostChangeStream<T>> WatchAsync(WatchOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new WatchOptions();
        var pipeline = new BsonArray();
        if (options.Pipeline is not null)
        {
            foreach (var stage in options.Pipeline) pipeline.Add(stage);
        }

        var cursor = await Inner.WatchAsync(pipeline, new ChangeStreamOptions
        {
            FullDocument = options.FullDocument,
            FullDocumentBeforeChange = options.FullDocumentBeforeChange,
            ResumeAfter = options.ResumeAfter,
            StartAfter = options.StartAfter,
            StartAtOperationTime = options.StartAtOperationTime,
        }, null, cancellationToken).ConfigureAwait(false);
        return new OutpostChangeStream<T>(cursor, Mapper, options);
    }

    internal OperationContext? ContextOf(OutpostSession? session) => session?.Context;

    internal Task<long> CountCoreAsync(OutpostSession? session, FilterDefinition<T> filter, long skip, long limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Inner.CountAsync(new CountOptions { Filter = filter.Render(Mapper), Skip = skip, Limit = limit }, ContextOf(session), cancellationToken);
    }

    private BsonDocument Render(UpdateDefinition<T> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.Render(Mapper);
    }

    private async Task InsertCoreAsync(OutpostSession? session, IEnumerable<T> documents, bool ordered, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var batch = new List<BsonDocument>();
        foreach (var document in documents)
        {
            ArgumentNullException.ThrowIfNull(document);
            if (document is BsonDocument raw && !raw.Contains("_id"))
                raw.InsertAt(0, new BsonElement("_id", ObjectId.GenerateNewId())); // as the driver does: the caller sees the id
            else
                Mapper.AssignIdIfMissing(document);
            batch.Add(Mapper.ToDocument(document));
        }

        var result = await Inner.InsertAsync(batch, new InsertOptions { Ordered = ordered }, ContextOf(session), cancellationToken).ConfigureAwait(false);
        ThrowOnWriteErrors(result);
    }

    private async Task<UpdateResult> UpdateCoreAsync(OutpostSession? session, FilterDefinition<T> filter, BsonDocument update, bool multi, UpsertOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statement = new UpdateStatement
        {
            Filter = filter.Render(Mapper),
            Update = update,
            Multi = multi,
            Upsert = options?.IsUpsert ?? false,
            ArrayFilters = options?.ArrayFilters,
        };
        var result = await Inner.UpdateAsync([statement], null, ContextOf(session), cancellationToken).ConfigureAwait(false);
        ThrowOnWriteErrors(result);
        var upserted = result.Upserted.Count > 0 ? result.Upserted[0].Id : null;
        return new UpdateResult(result.N - result.Upserted.Count, result.NModified, upserted);
    }

    private async Task<DeleteResult> DeleteCoreAsync(OutpostSession? session, FilterDefinition<T> filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = await Inner.DeleteAsync([new DeleteStatement { Filter = filter.Render(Mapper), Limit = limit }], null, ContextOf(session), cancellationToken).ConfigureAwait(false);
        ThrowOnWriteErrors(result);
        return new DeleteResult(result.N);
    }

    private async Task<T?> FindOneAndUpdateCoreAsync(OutpostSession? session, FilterDefinition<T> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var result = await Inner.FindAndModifyAsync(new FindAndModifyOptions
        {
            Query = filter.Render(Mapper),
            Update = Render(update),
            ReturnNew = options?.ReturnDocument == ReturnDocument.After,
            Upsert = options?.IsUpsert ?? false,
            Sort = options?.Sort?.Render(Mapper),
        }, ContextOf(session), cancellationToken).ConfigureAwait(false);
        return result.Value is null ? default : Mapper.FromDocument<T>(result.Value);
    }

    private static void ThrowOnWriteErrors(WriteResult result)
    {
        if (!result.HasErrors) return;
        var error = result.WriteErrors[0];
        throw new MongoException(error.Code, error.CodeName, error.Message);
    }
}
