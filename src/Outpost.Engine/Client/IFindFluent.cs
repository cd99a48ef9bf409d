using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>
/// A find being built (<c>collection.Find(filter).SortBy(x =&gt; x.A).Skip(10).Limit(5)</c>); nothing runs until it is
/// enumerated or materialized. Enumerating with <c>await foreach</c> streams documents batch by batch.
/// </summary>
public interface IFindFluent<T> : IAsyncEnumerable<T>
{
    /// <summary>Replaces the sort.</summary>
    IFindFluent<T> Sort(SortDefinition<T> sort);

    /// <summary>Sorts by the field ascending (replacing any sort).</summary>
    IFindFluent<T> SortBy<TField>(Expression<Func<T, TField>> field);

    /// <summary>Sorts by the field descending (replacing any sort).</summary>
    IFindFluent<T> SortByDescending<TField>(Expression<Func<T, TField>> field);

    /// <summary>Adds an ascending key after the current sort.</summary>
    IFindFluent<T> ThenBy<TField>(Expression<Func<T, TField>> field);

    /// <summary>Adds a descending key after the current sort.</summary>
    IFindFluent<T> ThenByDescending<TField>(Expression<Func<T, TField>> field);

    /// <summary>At most this many documents.</summary>
    IFindFluent<T> Limit(int limit);

    /// <summary>Skips this many documents.</summary>
    IFindFluent<T> Skip(int skip);

    /// <summary>Documents fetched per storage batch while streaming.</summary>
    IFindFluent<T> BatchSize(int batchSize);

    /// <summary>All results.</summary>
    Task<List<T>> ToListAsync(CancellationToken cancellationToken = default);

    /// <summary>The first result or default.</summary>
    Task<T?> FirstOrDefaultAsync(CancellationToken cancellationToken = default);

    /// <summary>The first result; throws when there is none.</summary>
    Task<T> FirstAsync(CancellationToken cancellationToken = default);

    /// <summary>Counts the matching documents (honouring Skip/Limit).</summary>
    Task<long> CountDocumentsAsync(CancellationToken cancellationToken = default);
}
