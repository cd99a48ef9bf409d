namespace Outpost.Storage.Sqlite;

/// <summary>
/// First-committer-wins write-conflict detection for SQLite. Remembers which keys each recent commit wrote, with
/// its commit version, but only while some active read-write transaction has an older snapshot (nothing is kept
/// when a transaction commits alone, the common case). A committing transaction conflicts when any key it writes was
/// written by a commit newer than its snapshot. A deleted range is tracked per tree (coarse: it conflicts with any
/// concurrent write to that tree) because ranges are rare (drops) and must never be missed.
/// </summary>
internal sealed class ConflictTracker
{
    private readonly Lock _gate = new();
    private readonly List<SqliteTransaction> _active = [];
    private readonly Dictionary<TreeKey, long> _recentKeys = [];
    private readonly Dictionary<long, long> _recentRangeTrees = [];
    private readonly Queue<(long Version, WriteOverlay Writes)> _commits = new();

    public void Register(SqliteTransaction transaction)
    {
        lock (_gate) _active.Add(transaction);
    }

    public void Unregister(SqliteTransaction transaction)
    {
        lock (_gate)
        {
            if (_active.Remove(transaction)) Prune();
        }
    }

    /// <summary>Called under the writer lock, before applying.</summary>
    public bool Conflicts(long snapshot, WriteOverlay writes)
    {
        lock (_gate)
        {
            if (_recentKeys.Count == 0 && _recentRangeTrees.Count == 0) return false;
            foreach (var tree in writes.Trees.Values)
            {
                if (_recentRangeTrees.TryGetValue(tree.Tree, out var rangeVersion) && rangeVersion > snapshot) return true;
                foreach (var key in tree.KeyArrays())
                {
                    if (_recentKeys.TryGetValue(new TreeKey(tree.Tree, key), out var version) && version > snapshot) return true;
                }

                if (tree.DeletedRanges is not null)
                {
                    foreach (var (recent, version) in _recentKeys)
                    {
                        if (recent.Tree == tree.Tree && version > snapshot && tree.InDeletedRange(recent.Key)) return true;
                    }
                }
            }

            return false;
        }
    }

    /// <summary>Called under the writer lock, after the commit is durable.</summary>
    public void Record(long version, WriteOverlay writes, SqliteTransaction committer)
    {
        lock (_gate)
        {
            var othersActive = false;
            foreach (var transaction in _active)
            {
                if (!ReferenceEquals(transaction, committer)) othersActive = true;
            }

            // A transaction that begins later pins a snapshot that already contains this commit.
            if (!othersActive) return;
            foreach (var tree in writes.Trees.Values)
            {
                foreach (var key in tree.KeyArrays()) _recentKeys[new TreeKey(tree.Tree, key)] = version;
                if (tree.DeletedRanges is not null) _recentRangeTrees[tree.Tree] = version;
            }

            _commits.Enqueue((version, writes));
        }
    }

    private void Prune()
    {
        if (_commits.Count == 0) return;
        if (_active.Count == 0)
        {
            _recentKeys.Clear();
            _recentRangeTrees.Clear();
            _commits.Clear();
            return;
        }

        var oldest = long.MaxValue;
        foreach (var transaction in _active) oldest = Math.Min(oldest, transaction.Snapshot);
        while (_commits.Count > 0 && _commits.Peek().Version <= oldest)
        {
            var (version, writes) = _commits.Dequeue();
            foreach (var tree in writes.Trees.Values)
            {
                foreach (var key in tree.KeyArrays())
                {
                    var treeKey = new TreeKey(tree.Tree, key);
                    if (_recentKeys.TryGetValue(treeKey, out var v) && v == version) _recentKeys.Remove(treeKey);
                }

                if (_recentRangeTrees.TryGetValue(tree.Tree, out var r) && r == version) _recentRangeTrees.Remove(tree.Tree);
            }
        }
    }

    private readonly record struct TreeKey(long Tree, byte[] Key)
    {
        public bool Equals(TreeKey other) => Tree == other.Tree && Key.AsSpan().SequenceEqual(other.Key);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            hash.Add(Tree);
            hash.AddBytes(Key);
            return hash.ToHashCode();
        }
    }
}
