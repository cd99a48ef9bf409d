using System.Runtime.CompilerServices;
using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// A stream of result documents fetched batch by batch, never materializing the whole result (blocking stages like
/// an unindexed sort excepted). The wire layer keeps it in its cursor table between find/aggregate and getMore.
/// Not thread-safe: one batch at a time. Dispose releases it (killCursors).
/// </summary>
public abstract class Cursor : IAsyncEnumerable<BsonDocument>, IAsyncDisposable
{
    /// <summary>The namespace reported in cursor replies ("db.collection").</summary>
    public abstract string Namespace { get; }

    /// <summary>True once the cursor has returned its last document (the wire then replies with cursor id 0).</summary>
    public abstract bool IsExhausted { get; }

    /// <summary>
    /// Up to <paramref name="maxDocuments"/> next documents (0 = no document limit) and at most about
    /// <paramref name="maxBytes"/> of BSON (at least one document is returned when any is left). For a tailable
    /// awaitData cursor an empty batch waits up to <paramref name="maxAwaitTime"/> for new data first.
    /// </summary>
    public abstract ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(
        int maxDocuments,
        TimeSpan? maxAwaitTime = null,
        int maxBytes = 16 * 1024 * 1024,
        CancellationToken cancellationToken = default);

    /// <inheritdoc/>
    public async IAsyncEnumerator<BsonDocument> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (!IsExhausted)
        {
            var batch = await NextBatchAsync(1024, null, 16 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0 && !IsExhausted) yield break; // tailable with no new data
            foreach (var doc in batch) yield return doc;
        }
    }

    /// <summary>Reads every remaining document into a list (tests and small results).</summary>
    public async Task<List<BsonDocument>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<BsonDocument>();
        await foreach (var doc in this.WithCancellation(cancellationToken).ConfigureAwait(false)) list.Add(doc);
        return list;
    }

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
