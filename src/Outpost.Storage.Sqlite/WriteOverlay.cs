namespace Outpost.Storage.Sqlite;

/// <summary>All buffered writes of one transaction, per tree, plus its appended log entries, their bytes in one arena.</summary>
internal sealed class WriteOverlay
{
    private TreeOverlay? _last;

    public ByteArena Arena { get; } = new();

    public Dictionary<long, TreeOverlay> Trees { get; } = [];

    public List<ArenaSlice>? Log { get; private set; }

    public bool IsEmpty => Trees.Count == 0 && Log is null;

    public TreeOverlay? Find(long tree)
    {
        // Writes cluster on one tree at a time (a document, then its index entries); remember the last one.
        if (_last is not null && _last.Tree == tree) return _last;
        if (Trees.TryGetValue(tree, out var overlay)) _last = overlay;
        return overlay;
    }

    public TreeOverlay GetOrAdd(long tree)
    {
        var overlay = Find(tree);
        if (overlay is not null) return overlay;
        overlay = new TreeOverlay(tree, Arena);
        Trees.Add(tree, overlay);
        _last = overlay;
        return overlay;
    }

    public void AppendLog(ReadOnlySpan<byte> entry) => (Log ??= []).Add(Arena.Add(entry));
}
