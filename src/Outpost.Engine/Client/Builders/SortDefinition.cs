using System.Linq.Expressions;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// An ordered list of keys with directions, rendered by the collection's mapper; used for sorts
/// (<see cref="Sort{T}"/>) and index keys (<see cref="IndexKeys{T}"/>). Immutable. Converts from a <see cref="BsonDocument"/>.
/// </summary>
public sealed class SortDefinition<T>
{
    private readonly BsonDocument? _document;
    private readonly IReadOnlyList<(LambdaExpression Field, BsonValue Direction)> _keys;

    internal SortDefinition(IReadOnlyList<(LambdaExpression, BsonValue)> keys) => _keys = keys;

    private SortDefinition(BsonDocument document)
    {
        _document = document;
        _keys = [];
    }

    /// <summary>A sort or key pattern given as a document (used as is).</summary>
    public static implicit operator SortDefinition<T>(BsonDocument document) => new(document);

    /// <summary>The document, e.g. <c>{ takenAt: -1, _id: 1 }</c>.</summary>
    public BsonDocument Render(BsonMapper mapper)
    {
        if (_document is not null) return _document;
        var rendered = new BsonDocument();
        foreach (var (field, direction) in _keys) rendered.Set(FieldPath.Of(field, mapper), direction);
        return rendered;
    }

    /// <summary>Then by the field ascending.</summary>
    public SortDefinition<T> Ascending<TField>(Expression<Func<T, TField>> field) => With(field, 1);

    /// <summary>Then by the field descending.</summary>
    public SortDefinition<T> Descending<TField>(Expression<Func<T, TField>> field) => With(field, -1);

    /// <summary>A text-index key on the field (index keys only).</summary>
    public SortDefinition<T> Text(Expression<Func<T, string?>> field) => With(field, "text");

    internal SortDefinition<T> With(LambdaExpression field, BsonValue direction)
    {
        if (_document is not null) throw new InvalidOperationException("A sort given as a document cannot be extended with builder calls.");
        var keys = new List<(LambdaExpression, BsonValue)>(_keys.Count + 1);
        keys.AddRange(_keys);
        keys.Add((field, direction));
        return new SortDefinition<T>(keys);
    }
}
