using System.Linq.Expressions;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// An update document built operator by operator (<c>Update&lt;T&gt;.Set(x =&gt; x.A, 1).Inc(x =&gt; x.B, 2)</c>), rendered
/// by the collection's mapper. Immutable: each call returns a new definition. Converts from a <see cref="BsonDocument"/>.
/// </summary>
public sealed class UpdateDefinition<T>
{
    private readonly Func<BsonMapper, BsonDocument>? _document;
    private readonly IReadOnlyList<(string Operator, Func<BsonMapper, (string Path, BsonValue Value)> Element)> _parts;

    internal UpdateDefinition(IReadOnlyList<(string, Func<BsonMapper, (string, BsonValue)>)> parts) => _parts = parts;

    private UpdateDefinition(BsonDocument document)
    {
        _document = _ => document;
        _parts = [];
    }

    /// <summary>An update given as a document (used as is).</summary>
    public static implicit operator UpdateDefinition<T>(BsonDocument document) => new(document);

    /// <summary>The update document, e.g. <c>{ $set: {...}, $inc: {...} }</c>.</summary>
    public BsonDocument Render(BsonMapper mapper)
    {
        if (_document is not null) return _document(mapper);
        var update = new BsonDocument();
        foreach (var (op, element) in _parts)
        {
            if (!update.TryGetValue(op, out var section))
            {
                section = new BsonDocument();
                update.Add(op, section);
            }

            var (path, value) = element(mapper);
            section.AsDocument.Set(path, value);
        }

        return update;
    }

    /// <summary>$set the field to the value.</summary>
    public UpdateDefinition<T> Set<TField>(Expression<Func<T, TField>> field, TField value) => With("$set", field, value, typeof(TField));

    /// <summary>$inc the field by the amount.</summary>
    public UpdateDefinition<T> Inc<TField>(Expression<Func<T, TField>> field, TField amount) => With("$inc", field, amount, typeof(TField));

    /// <summary>$push the item onto the array field.</summary>
    public UpdateDefinition<T> Push<TItem>(Expression<Func<T, IEnumerable<TItem>>> field, TItem item) => With("$push", field, item, typeof(TItem));

    /// <summary>$unset the field.</summary>
    public UpdateDefinition<T> Unset<TField>(Expression<Func<T, TField>> field) =>
        Append("$unset", m => (FieldPath.Of(field, m), (BsonValue)""));

    private UpdateDefinition<T> With(string op, LambdaExpression field, object? value, Type valueType) =>
        Append(op, m => (FieldPath.Of(field, m), m.ToBsonValue(value, valueType)));

    private UpdateDefinition<T> Append(string op, Func<BsonMapper, (string, BsonValue)> element)
    {
        if (_document is not null) throw new InvalidOperationException("An update given as a document cannot be extended with builder calls.");
        var parts = new List<(string, Func<BsonMapper, (string, BsonValue)>)>(_parts.Count + 1);
        parts.AddRange(_parts);
        parts.Add((op, element));
        return new UpdateDefinition<T>(parts);
    }
}
