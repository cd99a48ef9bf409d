using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Index key builder: <c>IndexKeys&lt;Photo&gt;.Ascending(p =&gt; p.ProjectId).Descending(p =&gt; p.TakenAt)</c>.</summary>
public static class IndexKeys<T>
{
    private static readonly SortDefinition<T> None = new([]);

    /// <summary>Key on the field ascending.</summary>
    public static SortDefinition<T> Ascending<TField>(Expression<Func<T, TField>> field) => None.Ascending(field);

    /// <summary>Key on the field descending.</summary>
    public static SortDefinition<T> Descending<TField>(Expression<Func<T, TField>> field) => None.Descending(field);

    /// <summary>Text key on the field.</summary>
    public static SortDefinition<T> Text(Expression<Func<T, string?>> field) => None.Text(field);
}
