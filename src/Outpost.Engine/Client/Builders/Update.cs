using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Update builder entry points; chain further operators on the returned <see cref="UpdateDefinition{T}"/>.</summary>
public static class Update<T>
{
    private static readonly UpdateDefinition<T> None = new([]);

    /// <summary>$set the field to the value.</summary>
    public static UpdateDefinition<T> Set<TField>(Expression<Func<T, TField>> field, TField value) => None.Set(field, value);

    /// <summary>$inc the field by the amount.</summary>
    public static UpdateDefinition<T> Inc<TField>(Expression<Func<T, TField>> field, TField amount) => None.Inc(field, amount);

    /// <summary>$push the item onto the array field.</summary>
    public static UpdateDefinition<T> Push<TItem>(Expression<Func<T, IEnumerable<TItem>>> field, TItem item) => None.Push(field, item);

    /// <summary>$unset the field.</summary>
    public static UpdateDefinition<T> Unset<TField>(Expression<Func<T, TField>> field) => None.Unset(field);
}
