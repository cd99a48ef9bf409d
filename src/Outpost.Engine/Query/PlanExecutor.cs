using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// Runs a <see cref="QueryPlan"/>: scans index ranges (or the collection tree), fetches each document in the same
/// snapshot, and yields those the filter matches, in scan order. Streams; nothing is materialized.
/// </summary>
internal static class PlanExecutor
{
    public static async IAsyncEnumerable<(byte[] IdKey, BsonDocument Document)> ExecuteAsync(
        ReadSource source,
        CollectionState collection,
        QueryPlan plan,
        DocumentMatcher matcher,
        ExecutionStats stats,
        OperationContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (collection.Tree == 0) yield break;
        // Capped collections scan in insertion order: their natural tree maps sequence → _id, like an index.
        var natural = plan.Index is null && collection.IsCapped;
        var direct = !natural && (plan.Index is null || plan.Index.IsIdIndex);
        var tree = natural ? collection.NaturalTree : direct ? collection.Tree : plan.Index!.Tree;
        HashSet<string>? seen = plan.NeedsDedup ? new HashSet<string>(StringComparer.Ordinal) : null;
        foreach (var fullRange in plan.Ranges)
        {
            var range = fullRange;
            while (true)
            {
                context.ThrowIfExpired();
                var tx = await source.AcquireAsync(cancellationToken).ConfigureAwait(false);
                var scanned = 0;
                var more = false;
                byte[]? lastKey = null;
                try
                {
                    await foreach (var entry in tx.ScanAsync(tree, range, plan.Reverse, cancellationToken).ConfigureAwait(false))
                    {
                        if (scanned >= source.ChunkSize)
                        {
                            more = true;
                            break;
                        }

                        scanned++;
                        lastKey = entry.Key;
                        byte[] idKey;
                        byte[]? bytes;
                        if (direct)
                        {
                            if (plan.Index is not null) stats.KeysExamined++;
                            idKey = entry.Key;
                            bytes = entry.Value;
                        }
                        else
                        {
                            if (!natural) stats.KeysExamined++;
                            idKey = natural ? entry.Value : plan.Index!.IdKeyOf(entry.Key, entry.Value);
                            if (seen is not null && !seen.Add(Convert.ToBase64String(idKey))) continue;
                            bytes = await tx.GetAsync(collection.Tree, idKey, cancellationToken).ConfigureAwait(false);
                            if (bytes is null) continue;
                        }

                        stats.DocsExamined++;

                        // Filters run on the bytes; only matching documents are materialized.
                        if (!matcher.Matches(bytes)) continue;
                        var document = BsonSerializer.Deserialize(bytes);
                        stats.Returned++;
                        yield return (idKey, document);
                    }
                }
                finally
                {
                    await source.ReleaseAsync(tx).ConfigureAwait(false);
                }

                if (!more || lastKey is null) break;

                // Resume after the last key in a fresh snapshot.
                range = plan.Reverse ? range with { Upper = lastKey, UpperInclusive = false } : range with { Lower = lastKey, LowerInclusive = false };
            }
        }
    }
}
