using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Sorts a tree's buffered writes by key for the commit (and for scans). A bulk insert sorts ~270,000 entries per
/// batch, so this is a hot loop: <c>Span.Sort</c> with a struct comparer still calls it through a delegate, and every
/// comparison then resolved two arena slices before comparing bytes. Here each entry carries its first 8 key bytes as a
/// big-endian integer, which decides most comparisons with one integer compare, and the sort is a specialized
/// introsort (optimized at first JIT: it runs a few times per bulk load, too few for tiering to reach it in time).
/// </summary>
internal static class EntrySorter
{
    private const int InsertionSortThreshold = 16;

    /// <summary>An entry with its sort key: key prefix, then full key, then write order (for last-write-wins).</summary>
    private struct Item
    {
        public ulong Prefix;
        public int Sequence;
        public TreeOverlay.Entry Entry;
    }

    /// <summary>The distinct keys of a hash map in key order.</summary>
    public static TreeOverlay.Entry[] Sort(Dictionary<ArenaSlice, ArenaSlice> writes, ByteArena arena)
    {
        var items = new Item[writes.Count];
        var i = 0;
        foreach (var pair in writes)
        {
            items[i] = Make(new TreeOverlay.Entry(pair.Key, pair.Value), i, arena);
            i++;
        }

        return SortAndCollapse(items, arena);
    }

    /// <summary>Appended writes in key order; when a key was written more than once, its last write is kept.</summary>
    public static TreeOverlay.Entry[] SortLastWins(ReadOnlySpan<TreeOverlay.Entry> appended, ByteArena arena)
    {
        var items = new Item[appended.Length];
        for (var i = 0; i < items.Length; i++) items[i] = Make(appended[i], i, arena);
        return SortAndCollapse(items, arena);
    }

    private static Item Make(TreeOverlay.Entry entry, int sequence, ByteArena arena)
    {
        var key = arena.Get(entry.Key);
        ulong prefix;
        if (key.Length >= 8)
        {
            prefix = BinaryPrimitives.ReadUInt64BigEndian(key);
        }
        else
        {
            Span<byte> padded = stackalloc byte[8];
            padded.Clear();
            key.CopyTo(padded);
            prefix = BinaryPrimitives.ReadUInt64BigEndian(padded);
        }

        return new Item { Prefix = prefix, Sequence = sequence, Entry = entry };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static TreeOverlay.Entry[] SortAndCollapse(Item[] items, ByteArena arena)
    {
        var chunks = arena.Chunks();
        if (items.Length > 1) IntroSort(items, 0, items.Length - 1, 2 * (BitOperations.Log2((uint)items.Length) + 1), chunks);

        // Equal keys are adjacent, in write order: keep the last of each run.
        var result = new TreeOverlay.Entry[items.Length];
        var count = 0;
        for (var i = 0; i < items.Length; i++)
        {
            if (i + 1 < items.Length && items[i].Prefix == items[i + 1].Prefix && KeyCompare(items[i], items[i + 1], chunks) == 0) continue;
            result[count++] = items[i].Entry;
        }

        if (count < result.Length) Array.Resize(ref result, count);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int KeyCompare(in Item x, in Item y, byte[][] chunks)
    {
        var a = x.Entry.Key;
        var b = y.Entry.Key;
        // Equal prefixes: keys of 8 bytes or more agree on their first 8, so compare from there.
        var skip = a.Length >= 8 && b.Length >= 8 ? 8 : 0;
        return chunks[a.Chunk].AsSpan(a.Offset + skip, a.Length - skip).SequenceCompareTo(chunks[b.Chunk].AsSpan(b.Offset + skip, b.Length - skip));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Compare(in Item x, in Item y, byte[][] chunks)
    {
        if (x.Prefix != y.Prefix) return x.Prefix < y.Prefix ? -1 : 1;
        var c = KeyCompare(x, y, chunks);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void IntroSort(Item[] items, int lo, int hi, int depth, byte[][] chunks)
    {
        while (hi - lo + 1 > InsertionSortThreshold)
        {
            if (depth-- == 0)
            {
                HeapSort(items, lo, hi, chunks);
                return;
            }

            var p = Partition(items, lo, hi, chunks);

            // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
            if (p - lo < hi - p)
            {
                IntroSort(items, lo, p - 1, depth, chunks);
                lo = p + 1;
            }
            else
            {
                IntroSort(items, p + 1, hi, depth, chunks);
                hi = p - 1;
            }
        }

        InsertionSort(items, lo, hi, chunks);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Partition(Item[] items, int lo, int hi, byte[][] chunks)
    {
        // Median of three to the end, as the pivot.
        var mid = lo + ((hi - lo) >> 1);
        if (Compare(items[lo], items[mid], chunks) > 0) Swap(items, lo, mid);
        if (Compare(items[lo], items[hi], chunks) > 0) Swap(items, lo, hi);
        if (Compare(items[mid], items[hi], chunks) > 0) Swap(items, mid, hi);
        Swap(items, mid, hi - 1);
        var pivot = items[hi - 1];
        int left = lo, right = hi - 1;
        while (left < right)
        {
            while (Compare(items[++left], pivot, chunks) < 0)
            {
            }

            while (Compare(pivot, items[--right], chunks) < 0)
            {
            }

            if (left >= right) break;
            Swap(items, left, right);
        }

        if (left != hi - 1) Swap(items, left, hi - 1);
        return left;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InsertionSort(Item[] items, int lo, int hi, byte[][] chunks)
    {
        for (var i = lo; i < hi; i++)
        {
            var j = i;
            var t = items[i + 1];
            while (j >= lo && Compare(t, items[j], chunks) < 0)
            {
                items[j + 1] = items[j];
                j--;
            }

            items[j + 1] = t;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void HeapSort(Item[] items, int lo, int hi, byte[][] chunks)
    {
        var n = hi - lo + 1;
        for (var i = n >> 1; i >= 1; i--) DownHeap(items, i, n, lo, chunks);
        for (var i = n; i > 1; i--)
        {
            Swap(items, lo, lo + i - 1);
            DownHeap(items, 1, i - 1, lo, chunks);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DownHeap(Item[] items, int i, int n, int lo, byte[][] chunks)
    {
        var d = items[lo + i - 1];
        while (i <= n >> 1)
        {
            var child = 2 * i;
            if (child < n && Compare(items[lo + child - 1], items[lo + child], chunks) < 0) child++;
            if (Compare(d, items[lo + child - 1], chunks) >= 0) break;
            items[lo + i - 1] = items[lo + child - 1];
            i = child;
        }

        items[lo + i - 1] = d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(Item[] items, int i, int j) => (items[i], items[j]) = (items[j], items[i]);
}
