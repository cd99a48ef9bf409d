using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Index operations of a typed collection (<c>collection.Indexes</c>).</summary>
public sealed class OutpostIndexManager<T>
{
    private readonly Collection _collection;
    private readonly BsonMapper _mapper;

    internal OutpostIndexManager(Collection collection, BsonMapper mapper)
    {
        _collection = collection;
        _mapper = mapper;
    }

    /// <summary>Creates an index (builds it over existing documents) and returns its name; no-op when it exists.</summary>
    public async Task<string> CreateOneAsync(SortDefinition<T> keys, CreateIndexOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var keyDocument = keys.Render(_mapper);
        var name = options?.Name ?? IndexModel.DefaultName(keyDocument);
        var model = new IndexModel
        {
            Keys = keyDocument,
            Name = name,
            Unique = options?.Unique ?? false,
            Sparse = options?.Sparse ?? false,
            PartialFilterExpression = options?.PartialFilterExpression,
            ExpireAfterSeconds = options?.ExpireAfter is { } ttl ? (long)ttl.TotalSeconds : null,
            Options = options?.Other ?? [],
        };
        await _collection.CreateIndexesAsync([model], null, cancellationToken).ConfigureAwait(false);
        return name;
    }

    /// <summary>The listIndexes documents.</summary>
    public async Task<List<BsonDocument>> ListAsync(CancellationToken cancellationToken = default) =>
        [.. await _collection.ListIndexesAsync(null, cancellationToken).ConfigureAwait(false)];

    /// <summary>Drops the index with this name.</summary>
    public Task DropOneAsync(string name, CancellationToken cancellationToken = default) =>
        _collection.DropIndexesAsync(name, null, cancellationToken);
}
