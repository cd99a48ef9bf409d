using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Immutable <see cref="IFindFluent{T}"/> over an engine collection.</summary>
internal sealed record FindFluent<T>(OutpostCollection<T> Collection, OutpostSession? Session, FilterDefinition<T> Filter) : IFindFluent<T>
{
    private SortDefinition<T>? SortKeys { get; init; }
    private int LimitValue { get; init; }
    private int SkipValue { get; init; }
    private int BatchSizeValue { get; init; } = 256;

    public IFindFluent<T> Sort(SortDefinition<T> sort) => this with { SortKeys = sort };

    public IFindFluent<T> SortBy<TField>(Expression<Func<T, TField>> field) => this with { SortKeys = Sort<T>.Ascending(field) };

    public IFindFluent<T> SortByDescending<TField>(Expression<Func<T, TField>> field) => this with { SortKeys = Sort<T>.Descending(field) };

    public IFindFluent<T> ThenBy<TField>(Expression<Func<T, TField>> field) =>
        this with { SortKeys = SortKeys is null ? Sort<T>.Ascending(field) : SortKeys.Ascending(field) };

    public IFindFluent<T> ThenByDescending<TField>(Expression<Func<T, TField>> field) =>
        this with { SortKeys = SortKeys is null ? Sort<T>.Descending(field) : SortKeys.Descending(field) };

    public IFindFluent<T> Limit(int limit) => this with { LimitValue = limit };

    public IFindFluent<T> Skip(int skip) => this with { SkipValue = skip };

    public IFindFluent<T> BatchSize(int batchSize) => this with { BatchSizeValue = batchSize };

    public async Task<List<T>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<T>();
        await foreach (var item in this.WithCancellation(cancellationToken).ConfigureAwait(false)) list.Add(item);
        return list;
    }

    public async Task<T?> FirstOrDefaultAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var item in (this with { LimitValue = 1 }).WithCancellation(cancellationToken).ConfigureAwait(false)) return item;
        return default;
    }

    public async Task<T> FirstAsync(CancellationToken cancellationToken = default)
    {
        await foreach (var item in (this with { LimitValue = 1 }).WithCancellation(cancellationToken).ConfigureAwait(false)) return item;
        throw new InvalidOperationException("The find returned no document.");
    }

    public Task<long> CountDocumentsAsync(CancellationToken cancellationToken = default) =>
        Collection.CountCoreAsync(Session, Filter, SkipValue, LimitValue, cancellationToken);

    public async IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        var mapper = Collection.Mapper;
        var options = new FindOptions
        {
            Filter = Filter.Render(mapper),
            Sort = SortKeys?.Render(mapper),
            Skip = SkipValue,
            Limit = LimitValue,
            BatchSize = BatchSizeValue,
        };
        var cursor = await Collection.Inner.FindAsync(options, Collection.ContextOf(Session), cancellationToken).ConfigureAwait(false);
        try
        {
            while (!cursor.IsExhausted)
            {
                var batch = await cursor.NextBatchAsync(BatchSizeValue, null, 16 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                foreach (var document in batch) yield return mapper.FromDocument<T>(document);
            }
        }
        finally
        {
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
    }
}
