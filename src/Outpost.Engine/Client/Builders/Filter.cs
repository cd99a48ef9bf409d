using System.Linq.Expressions;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>Filter builder: <c>Filter&lt;Photo&gt;.Eq(p =&gt; p.Status, Status.Approved) &amp; Filter&lt;Photo&gt;.Gt(p =&gt; p.Size, 1000)</c>.</summary>
public static class Filter<T>
{
    /// <summary>Matches every document.</summary>
    public static FilterDefinition<T> Empty => FilterDefinition<T>.Empty;

    /// <summary>field == value.</summary>
    public static FilterDefinition<T> Eq<TField>(Expression<Func<T, TField>> field, TField value) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), m.ToBsonValue(value, typeof(TField))));

    /// <summary>element == value by element path (no mapping of the value beyond its own type).</summary>
    public static FilterDefinition<T> Eq(string field, BsonValue value) => new(_ => new BsonDocument(field, value));

    /// <summary>Array field containing <paramref name="item"/>.</summary>
    public static FilterDefinition<T> AnyEq<TItem>(Expression<Func<T, IEnumerable<TItem>>> field, TItem item) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), m.ToBsonValue(item, typeof(TItem))));

    /// <summary>field != value ($ne; also matches documents without the field).</summary>
    public static FilterDefinition<T> Ne<TField>(Expression<Func<T, TField>> field, TField value) => Operator(field, "$ne", value);

    /// <summary>field &gt; value.</summary>
    public static FilterDefinition<T> Gt<TField>(Expression<Func<T, TField>> field, TField value) => Operator(field, "$gt", value);

    /// <summary>field &gt;= value.</summary>
    public static FilterDefinition<T> Gte<TField>(Expression<Func<T, TField>> field, TField value) => Operator(field, "$gte", value);

    /// <summary>field &lt; value.</summary>
    public static FilterDefinition<T> Lt<TField>(Expression<Func<T, TField>> field, TField value) => Operator(field, "$lt", value);

    /// <summary>field &lt;= value.</summary>
    public static FilterDefinition<T> Lte<TField>(Expression<Func<T, TField>> field, TField value) => Operator(field, "$lte", value);

    /// <summary>field is one of <paramref name="values"/>.</summary>
    public static FilterDefinition<T> In<TField>(Expression<Func<T, TField>> field, IEnumerable<TField> values) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), new BsonDocument("$in", Array(m, values))));

    /// <summary>field is none of <paramref name="values"/>.</summary>
    public static FilterDefinition<T> Nin<TField>(Expression<Func<T, TField>> field, IEnumerable<TField> values) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), new BsonDocument("$nin", Array(m, values))));

    /// <summary>The field exists (or, with false, does not).</summary>
    public static FilterDefinition<T> Exists<TField>(Expression<Func<T, TField>> field, bool exists = true) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), new BsonDocument("$exists", exists)));

    /// <summary>A string field matching a regular expression.</summary>
    public static FilterDefinition<T> Regex(Expression<Func<T, string?>> field, string pattern, string options = "") =>
        new(m => new BsonDocument(FieldPath.Of(field, m), new BsonRegularExpression(pattern, options)));

    /// <summary>All of the filters.</summary>
    public static FilterDefinition<T> And(params FilterDefinition<T>[] filters) => Combine("$and", filters);

    /// <summary>Any of the filters.</summary>
    public static FilterDefinition<T> Or(params FilterDefinition<T>[] filters) => Combine("$or", filters);

    /// <summary>Documents the filter does not match ($nor with one clause).</summary>
    public static FilterDefinition<T> Not(FilterDefinition<T> filter) =>
        new(m => new BsonDocument("$nor", new BsonArray { filter.Render(m) }));

    /// <summary>
    /// Translates a predicate on simple member expressions: ==, !=, &lt;, &lt;=, &gt;, &gt;=, &amp;&amp;, ||, !, bool members,
    /// null checks, <c>string.StartsWith</c> (→ anchored regex) and <c>list.Contains(x.Member)</c> (→ $in).
    /// Anything else throws <see cref="NotSupportedException"/> when rendered.
    /// </summary>
    public static FilterDefinition<T> Where(Expression<Func<T, bool>> predicate) =>
        new(m => FilterExpressionTranslator.Translate(predicate, m));

    private static FilterDefinition<T> Operator<TField>(Expression<Func<T, TField>> field, string op, TField value) =>
        new(m => new BsonDocument(FieldPath.Of(field, m), new BsonDocument(op, m.ToBsonValue(value, typeof(TField)))));

    private static BsonArray Array<TField>(BsonMapper mapper, IEnumerable<TField> values)
    {
        var array = new BsonArray();
        foreach (var value in values) array.Add(mapper.ToBsonValue(value, typeof(TField)));
        return array;
    }

    private static FilterDefinition<T> Combine(string op, FilterDefinition<T>[] filters)
    {
        if (filters.Length == 0) throw new ArgumentException($"{op} needs at least one filter.", nameof(filters));
        return new(m =>
        {
            var clauses = new BsonArray(filters.Length);
            foreach (var filter in filters) clauses.Add(filter.Render(m));
            return new BsonDocument(op, clauses);
        });
    }
}
