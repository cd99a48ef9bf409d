using System.Runtime.InteropServices;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A transaction's buffered writes to one tree: point writes in a hash map (null value = deleted) and deleted
/// ranges. The sorted view that scans merge with the snapshot is built lazily and only when a scan needs it, so a
/// bulk insert that never scans pays hashing only; a built view is immutable, so a running scan is unaffected by
/// later writes.
/// </summary>
internal sealed class TreeOverlay(long tree)
{
    private KeyValuePair<byte[], byte[]?>[]? _sorted;

    public long Tree { get; } = tree;

    public Dictionary<byte[], byte[]?> Writes { get; } = new(ByteKeyComparer.Instance);

    public List<KeyRange>? DeletedRanges { get; private set; }

    public void Set(byte[] key, byte[]? value)
    {
        Writes[key] = value;
        _sorted = null;
    }

    public void DeleteRange(in KeyRange range)
    {
        List<byte[]>? doomed = null;
        foreach (var key in Writes.Keys)
        {
            if (range.Contains(key)) (doomed ??= []).Add(key);
        }

        if (doomed is not null)
        {
            foreach (var key in doomed) Writes.Remove(key);
        }

        (DeletedRanges ??= []).Add(range);
        _sorted = null;
    }

    public bool InDeletedRange(ReadOnlySpan<byte> key) => DeletedRanges is not null && InRanges(CollectionsMarshal.AsSpan(DeletedRanges), key);

    public static bool InRanges(ReadOnlySpan<KeyRange> ranges, ReadOnlySpan<byte> key)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(key)) return true;
        }

        return false;
    }

    public KeyValuePair<byte[], byte[]?>[] Sorted
    {
        get
        {
            if (_sorted is not null) return _sorted;
            var sorted = new KeyValuePair<byte[], byte[]?>[Writes.Count];
            var i = 0;
            foreach (var pair in Writes) sorted[i++] = pair;
            Array.Sort(sorted, static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
            _sorted = sorted;
            return sorted;
        }
    }

    /// <summary>Index of the first sorted entry at or above the range's lower bound.</summary>
    public static int LowerIndex(KeyValuePair<byte[], byte[]?>[] sorted, in KeyRange range)
    {
        if (range.Lower is null) return 0;
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (range.IsAboveLower(sorted[mid].Key)) hi = mid;
            else lo = mid + 1;
        }

        return lo;
    }

    /// <summary>Index one past the last sorted entry at or below the range's upper bound.</summary>
    public static int UpperIndex(KeyValuePair<byte[], byte[]?>[] sorted, in KeyRange range)
    {
        if (range.Upper is null) return sorted.Length;
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (range.IsBelowUpper(sorted[mid].Key)) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }
}
