using System.Runtime.InteropServices;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A transaction's buffered writes to one tree: point writes in a hash map (deleted = <see cref="ArenaSlice.Deleted"/>)
/// and deleted ranges. Keys and values live in the transaction's <see cref="ByteArena"/>, so the map holds no references
/// the garbage collector must trace. The sorted view that scans merge with the snapshot is built lazily and only when
/// a scan needs it, so a bulk insert that never scans pays hashing only; a built view is immutable, so a running scan is
/// unaffected by later writes.
/// </summary>
internal sealed class TreeOverlay
{
    private readonly ArenaKeyComparer _comparer;
    private readonly Dictionary<ArenaSlice, ArenaSlice> _writes;
    private readonly Dictionary<ArenaSlice, ArenaSlice>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private Entry[]? _sorted;

    public TreeOverlay(long tree, ByteArena arena)
    {
        Tree = tree;
        Arena = arena;
        _comparer = new ArenaKeyComparer(arena);
        _writes = new Dictionary<ArenaSlice, ArenaSlice>(_comparer);
        _bySpan = _writes.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>A buffered write in key order: its key, and its value or <see cref="ArenaSlice.Deleted"/>.</summary>
    public readonly record struct Entry(ArenaSlice Key, ArenaSlice Value);

    public long Tree { get; }

    public ByteArena Arena { get; }

    public int Count => _writes.Count;

    public List<KeyRange>? DeletedRanges { get; private set; }

    /// <summary>Buffers a put (or, with a null value, a delete) of <paramref name="key"/>.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool deleted = false)
    {
        var stored = deleted ? ArenaSlice.Deleted : Arena.Add(value);
        if (_bySpan.TryGetValue(key, out var existingKey, out _)) _writes[existingKey] = stored;
        else _writes.Add(Arena.Add(key), stored);
        _sorted = null;
    }

    /// <summary>Whether the transaction wrote <paramref name="key"/>; <paramref name="value"/> is null when it deleted it.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[]? value)
    {
        if (!_bySpan.TryGetValue(key, out var slice))
        {
            value = null;
            return false;
        }

        value = slice.IsDeleted ? null : Arena.ToArray(slice);
        return true;
    }

    /// <summary>Whether the transaction wrote <paramref name="key"/>; <paramref name="deleted"/> says whether that write deleted it.</summary>
    public bool Contains(ReadOnlySpan<byte> key, out bool deleted)
    {
        var found = _bySpan.TryGetValue(key, out var slice);
        deleted = found && slice.IsDeleted;
        return found;
    }

    public void DeleteRange(in KeyRange range)
    {
        List<ArenaSlice>? doomed = null;
        foreach (var key in _writes.Keys)
        {
            if (range.Contains(Arena.Get(key))) (doomed ??= []).Add(key);
        }

        if (doomed is not null)
        {
            foreach (var key in doomed) _writes.Remove(key);
        }

        (DeletedRanges ??= []).Add(range);
        _sorted = null;
    }

    /// <summary>The written keys as new arrays (conflict tracking, which runs only while transactions overlap).</summary>
    public IEnumerable<byte[]> KeyArrays()
    {
        foreach (var key in _writes.Keys) yield return Arena.ToArray(key);
    }

    public ReadOnlySpan<byte> KeyOf(in Entry entry) => Arena.Get(entry.Key);

    public ReadOnlySpan<byte> ValueOf(in Entry entry) => Arena.Get(entry.Value);

    public bool InDeletedRange(ReadOnlySpan<byte> key) => DeletedRanges is not null && InRanges(CollectionsMarshal.AsSpan(DeletedRanges), key);

    public static bool InRanges(ReadOnlySpan<KeyRange> ranges, ReadOnlySpan<byte> key)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(key)) return true;
        }

        return false;
    }

    public Entry[] Sorted
    {
        get
        {
            if (_sorted is not null) return _sorted;
            var sorted = new Entry[_writes.Count];
            var i = 0;
            foreach (var pair in _writes) sorted[i++] = new Entry(pair.Key, pair.Value);
            // A struct comparer over a chunk array snapshot: the sort is specialized for it and the comparison inlined
            // (a delegate comparing through the arena cost as much as applying the batch to SQLite).
            sorted.AsSpan().Sort(new EntryKeyOrder(Arena.Chunks()));
            _sorted = sorted;
            return sorted;
        }
    }

    private readonly struct EntryKeyOrder(byte[][] chunks) : IComparer<Entry>
    {
        public int Compare(Entry x, Entry y) =>
            chunks[x.Key.Chunk].AsSpan(x.Key.Offset, x.Key.Length).SequenceCompareTo(chunks[y.Key.Chunk].AsSpan(y.Key.Offset, y.Key.Length));
    }

    /// <summary>Index of the first sorted entry at or above the range's lower bound.</summary>
    public int LowerIndex(Entry[] sorted, in KeyRange range)
    {
        if (range.Lower is null) return 0;
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (range.IsAboveLower(KeyOf(sorted[mid]))) hi = mid;
            else lo = mid + 1;
        }

        return lo;
    }

    /// <summary>Index one past the last sorted entry at or below the range's upper bound.</summary>
    public int UpperIndex(Entry[] sorted, in KeyRange range)
    {
        if (range.Upper is null) return sorted.Length;
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (range.IsBelowUpper(KeyOf(sorted[mid]))) lo = mid + 1;
            else hi = mid;
        }

        return lo;
    }
}
