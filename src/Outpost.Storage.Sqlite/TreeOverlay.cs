using System.Runtime.InteropServices;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A transaction's buffered writes to one tree: point writes (deleted = <see cref="ArenaSlice.Deleted"/>) and deleted
/// ranges. Keys and values live in the transaction's <see cref="ByteArena"/>, so nothing here holds references the
/// garbage collector must trace. Point writes start as an append-only list: a tree that is only ever written in a
/// transaction (a non-unique index during a bulk insert: ~25 entries per document) never pays for hashing. The first
/// read of the tree (a get, an existence check, a range delete) replays the list into a hash map, in order, so a later
/// write of a key still replaces an earlier one. The sorted view that scans merge with the snapshot and the commit
/// applies is built lazily; a built view is immutable, so a running scan is unaffected by later writes.
/// </summary>
internal sealed class TreeOverlay
{
    private readonly ArenaKeyComparer _comparer;
    private List<Entry>? _appended = [];
    private Dictionary<ArenaSlice, ArenaSlice>? _writes;
    private Dictionary<ArenaSlice, ArenaSlice>.AlternateLookup<ReadOnlySpan<byte>> _bySpan;
    private Entry[]? _sorted;

    public TreeOverlay(long tree, ByteArena arena)
    {
        Tree = tree;
        Arena = arena;
        _comparer = new ArenaKeyComparer(arena);
    }

    /// <summary>A buffered write in key order: its key, and its value or <see cref="ArenaSlice.Deleted"/>.</summary>
    public readonly record struct Entry(ArenaSlice Key, ArenaSlice Value);

    public long Tree { get; }

    public ByteArena Arena { get; }

    /// <summary>Buffered point writes (a key written twice before the tree was first read counts twice).</summary>
    public int Count => _appended?.Count ?? _writes!.Count;

    public List<KeyRange>? DeletedRanges { get; private set; }

    /// <summary>Buffers a put (or, with a null value, a delete) of <paramref name="key"/>.</summary>
    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool deleted = false)
    {
        var stored = deleted ? ArenaSlice.Deleted : Arena.Add(value);
        _sorted = null;
        if (_appended is not null)
        {
            _appended.Add(new Entry(Arena.Add(key), stored));
            return;
        }

        if (_bySpan.TryGetValue(key, out var existingKey, out _)) _writes![existingKey] = stored;
        else _writes!.Add(Arena.Add(key), stored);
    }

    /// <summary>Switches to the hash map (once): replays the appended writes in order, so the last write of a key wins.</summary>
    private Dictionary<ArenaSlice, ArenaSlice> Map()
    {
        if (_writes is not null) return _writes;
        var appended = _appended!;
        var writes = new Dictionary<ArenaSlice, ArenaSlice>(appended.Count, _comparer);
        foreach (var entry in appended) writes[entry.Key] = entry.Value;
        _writes = writes;
        _bySpan = writes.GetAlternateLookup<ReadOnlySpan<byte>>();
        _appended = null;
        return writes;
    }

    /// <summary>Whether the transaction wrote <paramref name="key"/>; <paramref name="value"/> is null when it deleted it.</summary>
    public bool TryGet(ReadOnlySpan<byte> key, out byte[]? value)
    {
        Map();
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
        Map();
        var found = _bySpan.TryGetValue(key, out var slice);
        deleted = found && slice.IsDeleted;
        return found;
    }

    public void DeleteRange(in KeyRange range)
    {
        var writes = Map();
        List<ArenaSlice>? doomed = null;
        foreach (var key in writes.Keys)
        {
            if (range.Contains(Arena.Get(key))) (doomed ??= []).Add(key);
        }

        if (doomed is not null)
        {
            foreach (var key in doomed) writes.Remove(key);
        }

        (DeletedRanges ??= []).Add(range);
        _sorted = null;
    }

    /// <summary>The written keys as new arrays (conflict tracking, which runs only while transactions overlap).</summary>
    public IEnumerable<byte[]> KeyArrays()
    {
        if (_appended is not null)
        {
            foreach (var entry in _appended) yield return Arena.ToArray(entry.Key);
            yield break;
        }

        foreach (var key in _writes!.Keys) yield return Arena.ToArray(key);
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

    /// <summary>The buffered point writes in key order, one per key (its last write).</summary>
    public Entry[] Sorted
    {
        get
        {
            if (_sorted is not null) return _sorted;
            _sorted = _appended is not null ? EntrySorter.SortLastWins(CollectionsMarshal.AsSpan(_appended), Arena) : EntrySorter.Sort(_writes!, Arena);
            return _sorted;
        }
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
