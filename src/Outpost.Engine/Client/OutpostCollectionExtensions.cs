using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Predicate overloads (<c>photos.DeleteManyAsync(p =&gt; p.Size == 0)</c>), as the driver offers.</summary>
public static class OutpostCollectionExtensions
{
    /// <summary>Counts documents matching the predicate.</summary>
    public static Task<long> CountDocumentsAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Checked(collection).CountDocumentsAsync(Filter<T>.Where(filter), cancellationToken);

    /// <summary>Updates the first document matching the predicate.</summary>
    public static Task<UpdateResult> UpdateOneAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Checked(collection).UpdateOneAsync(Filter<T>.Where(filter), update, options, cancellationToken);

    /// <summary>Updates every document matching the predicate.</summary>
    public static Task<UpdateResult> UpdateManyAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, UpdateDefinition<T> update, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Checked(collection).UpdateManyAsync(Filter<T>.Where(filter), update, options, cancellationToken);

    /// <summary>Replaces the first document matching the predicate.</summary>
    public static Task<UpdateResult> ReplaceOneAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, T replacement, UpsertOptions? options = null, CancellationToken cancellationToken = default) =>
        Checked(collection).ReplaceOneAsync(Filter<T>.Where(filter), replacement, options, cancellationToken);

    /// <summary>Deletes the first document matching the predicate.</summary>
    public static Task<DeleteResult> DeleteOneAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Checked(collection).DeleteOneAsync(Filter<T>.Where(filter), cancellationToken);

    /// <summary>Deletes every document matching the predicate.</summary>
    public static Task<DeleteResult> DeleteManyAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, CancellationToken cancellationToken = default) =>
        Checked(collection).DeleteManyAsync(Filter<T>.Where(filter), cancellationToken);

    /// <summary>Atomically updates the first document matching the predicate and returns it.</summary>
    public static Task<T?> FindOneAndUpdateAsync<T>(this IOutpostCollection<T> collection, Expression<Func<T, bool>> filter, UpdateDefinition<T> update, FindOneAndUpdateOptions<T>? options = null, CancellationToken cancellationToken = default) =>
        Checked(collection).FindOneAndUpdateAsync(Filter<T>.Where(filter), update, options, cancellationToken);

    private static IOutpostCollection<T> Checked<T>(IOutpostCollection<T> collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return collection;
    }
}
