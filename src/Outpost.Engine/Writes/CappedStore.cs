using System.Buffers.Binary;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Storage;

namespace Outpost.Engine.Writes;

/// <summary>
/// Capped collections: insertion order in the natural tree, and eviction of the oldest documents once the
/// collection exceeds its size or max. Running totals live in one meta key, so concurrent writers of one capped
/// collection conflict and retry — capped inserts are serialized, as in MongoDB.
/// </summary>
internal static class CappedStore
{
    public static async ValueTask<(long Count, long Bytes)> ReadStatsAsync(IStorageTransaction tx, CollectionState collection, CancellationToken cancellationToken)
    {
        var bytes = await tx.GetAsync(StorageLayout.MetaTree, StorageLayout.CappedStatsKey(collection.NaturalTree), cancellationToken).ConfigureAwait(false);
        return bytes is null ? (0, 0) : (BinaryPrimitives.ReadInt64BigEndian(bytes), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(8)));
    }

    public static ValueTask WriteStatsAsync(IStorageTransaction tx, CollectionState collection, long count, long bytes, CancellationToken cancellationToken)
    {
        var value = new byte[16];
        BinaryPrimitives.WriteInt64BigEndian(value, count);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(8), bytes);
        return tx.PutAsync(StorageLayout.MetaTree, StorageLayout.CappedStatsKey(collection.NaturalTree), value, cancellationToken);
    }

    /// <summary>Appends the document to the insertion order.</summary>
    public static async ValueTask AppendAsync(IStorageTransaction tx, CollectionState collection, byte[] idKey, int size, CancellationToken cancellationToken)
    {
        long next = 1;
        await foreach (var last in tx.ScanAsync(collection.NaturalTree, KeyRange.All, reverse: true, cancellationToken).ConfigureAwait(false))
        {
            next = StorageLayout.ReadInt64(last.Key) + 1;
            break;
        }

        await tx.InsertAsync(collection.NaturalTree, StorageLayout.Int64(next), idKey, cancellationToken).ConfigureAwait(false);
        var (count, bytes) = await ReadStatsAsync(tx, collection, cancellationToken).ConfigureAwait(false);
        await WriteStatsAsync(tx, collection, count + 1, bytes + size, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes a document from the insertion order (a linear scan: capped collections are bounded).</summary>
    public static async ValueTask RemoveAsync(IStorageTransaction tx, CollectionState collection, byte[] idKey, int size, CancellationToken cancellationToken)
    {
        byte[]? found = null;
        await foreach (var entry in tx.ScanAsync(collection.NaturalTree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Value.AsSpan().SequenceEqual(idKey))
            {
                found = entry.Key;
                break;
            }
        }

        if (found is not null) await tx.DeleteAsync(collection.NaturalTree, found, cancellationToken).ConfigureAwait(false);
        var (count, bytes) = await ReadStatsAsync(tx, collection, cancellationToken).ConfigureAwait(false);
        await WriteStatsAsync(tx, collection, Math.Max(0, count - 1), Math.Max(0, bytes - size), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Oldest documents to evict so the collection fits its size and max (never the one just inserted).</summary>
    public static async ValueTask<List<(byte[] IdKey, BsonDocument Document)>> OverflowAsync(IStorageTransaction tx, CollectionState collection, CancellationToken cancellationToken)
    {
        var victims = new List<(byte[], BsonDocument)>();
        var (count, bytes) = await ReadStatsAsync(tx, collection, cancellationToken).ConfigureAwait(false);
        var maxSize = collection.Options.Size ?? long.MaxValue;
        var maxCount = collection.Options.Max is > 0 and var m ? m : long.MaxValue;
        if (count <= maxCount && bytes <= maxSize) return victims;
        await foreach (var entry in tx.ScanAsync(collection.NaturalTree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
        {
            if (count <= 1 || (count <= maxCount && bytes <= maxSize)) break;
            var doc = await tx.GetAsync(collection.Tree, entry.Value, cancellationToken).ConfigureAwait(false);
            if (doc is null) continue;
            victims.Add((entry.Value, BsonSerializer.Deserialize(doc)));
            count--;
            bytes -= doc.Length;
        }

        return victims;
    }
}
