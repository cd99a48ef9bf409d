using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// A query filter on documents of <typeparamref name="T"/>, rendered to a filter document by the collection's mapper
/// (so member names and enum/decimal/date values follow its conventions). Build with <see cref="Filter{T}"/> or convert
/// from a <see cref="BsonDocument"/>; combine with <c>&amp;</c>, <c>|</c> and <c>!</c>.
/// </summary>
public sealed class FilterDefinition<T>
{
    private readonly Func<BsonMapper, BsonDocument> _render;

    internal FilterDefinition(Func<BsonMapper, BsonDocument> render) => _render = render;

    /// <summary>Matches every document.</summary>
    public static FilterDefinition<T> Empty { get; } = new(_ => []);

    /// <summary>The filter document under the mapper's conventions.</summary>
    public BsonDocument Render(BsonMapper mapper) => _render(mapper);

    /// <summary>A filter given as a document (used as is).</summary>
    public static implicit operator FilterDefinition<T>(BsonDocument document) => new(_ => document);

    /// <summary>Both filters ($and).</summary>
    public static FilterDefinition<T> operator &(FilterDefinition<T> left, FilterDefinition<T> right) => Filter<T>.And(left, right);

    /// <summary>Either filter ($or).</summary>
    public static FilterDefinition<T> operator |(FilterDefinition<T> left, FilterDefinition<T> right) => Filter<T>.Or(left, right);

    /// <summary>Documents the filter does not match ($nor).</summary>
    public static FilterDefinition<T> operator !(FilterDefinition<T> filter) => Filter<T>.Not(filter);
}
