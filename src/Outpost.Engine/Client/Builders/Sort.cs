using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Sort builder: <c>Sort&lt;Photo&gt;.Descending(p =&gt; p.TakenAt).Ascending(p =&gt; p.Id)</c>.</summary>
public static class Sort<T>
{
    private static readonly SortDefinition<T> None = new([]);

    /// <summary>By the field ascending.</summary>
    public static SortDefinition<T> Ascending<TField>(Expression<Func<T, TField>> field) => None.Ascending(field);

    /// <summary>By the field descending.</summary>
    public static SortDefinition<T> Descending<TField>(Expression<Func<T, TField>> field) => None.Descending(field);
}
