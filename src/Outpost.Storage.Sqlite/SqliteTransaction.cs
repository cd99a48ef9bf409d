using System.Runtime.CompilerServices;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A transaction on SQLite: a pinned WAL snapshot on a read connection plus an in-memory overlay of its writes,
/// merged into every read. Nothing touches the database file until commit.
/// </summary>
internal sealed class SqliteTransaction : IStorageTransaction
{
    private readonly SqliteStorageEngine _engine;
    private SqliteReadConnection? _reader;
    private WriteOverlay? _writes;
    private bool _finished;

    public SqliteTransaction(SqliteStorageEngine engine, StorageTransactionMode mode)
    {
        _engine = engine;
        Mode = mode;
    }

    public StorageTransactionMode Mode { get; }

    /// <summary>Whether the commit may skip the WAL fsync (<see cref="IStorageTransaction.DeferDurability"/>).</summary>
    public bool Deferred { get; private set; }

    public void DeferDurability() => Deferred = true;

    /// <summary>Commit version of the pinned snapshot; -1 until pinned (which keeps conflict history from being pruned).</summary>
    public long Snapshot { get; private set; } = -1;

    internal void Pin(SqliteReadConnection reader)
    {
        _reader = reader;
        Snapshot = reader.BeginSnapshot();
    }

    public ValueTask<byte[]?> GetAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        var reader = Active();
        var overlay = _writes?.Find(tree);
        if (overlay is not null)
        {
            if (overlay.TryGet(key.Span, out var value)) return ValueTask.FromResult(value);
            if (overlay.InDeletedRange(key.Span)) return ValueTask.FromResult<byte[]?>(null);
        }

        return ValueTask.FromResult(reader.Get(tree, key.Span));
    }

    public async IAsyncEnumerable<StorageEntry> ScanAsync(long tree, KeyRange range, bool reverse = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = Active();
        if (range.IsEmpty) yield break;
        var overlay = _writes?.Find(tree);
        var pending = overlay?.Sorted ?? [];
        var start = overlay?.LowerIndex(pending, range) ?? 0;
        var end = overlay?.UpperIndex(pending, range) ?? 0;
        var deleted = overlay?.DeletedRanges is { Count: > 0 } ranges ? ranges.ToArray() : null;

        var next = reverse ? end - 1 : start;
        var command = reader.RentScan(tree, range, reverse, out var slot);
        try
        {
            using var rows = command.ExecuteReader();
            var hasRow = rows.Read();
            byte[]? rowKey = hasRow ? rows.GetFieldValue<byte[]>(0) : null;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var hasPending = reverse ? next >= start : next < end;
                if (rowKey is null && !hasPending) yield break;
                // c < 0: the committed row comes next in scan order; c > 0: the pending write does; 0: same key.
                int c;
                if (rowKey is null) c = 1;
                else if (!hasPending) c = -1;
                else
                {
                    c = rowKey.AsSpan().SequenceCompareTo(overlay!.KeyOf(pending[next]));
                    if (reverse) c = -c;
                }

                if (c < 0)
                {
                    // A committed row this transaction did not touch (unless a range delete covers it).
                    if (deleted is null || !TreeOverlay.InRanges(deleted, rowKey))
                    {
                        yield return new StorageEntry(rowKey!, rows.GetFieldValue<byte[]>(1));
                    }

                    rowKey = rows.Read() ? rows.GetFieldValue<byte[]>(0) : null;
                }
                else
                {
                    var entry = pending[next];
                    next += reverse ? -1 : 1;
                    if (c == 0) rowKey = rows.Read() ? rows.GetFieldValue<byte[]>(0) : null;
                    if (!entry.Value.IsDeleted) yield return new StorageEntry(overlay!.Arena.ToArray(entry.Key), overlay.Arena.ToArray(entry.Value));
                }
            }
        }
        finally
        {
            reader.ReturnScan(command, slot);
        }
    }

    public async ValueTask<long> CountAsync(long tree, KeyRange range, CancellationToken cancellationToken = default)
    {
        var reader = Active();
        if (range.IsEmpty) return 0;
        if (_writes?.Find(tree) is null) return reader.Count(tree, range);
        long count = 0;
        await foreach (var _ in ScanAsync(tree, range, false, cancellationToken).ConfigureAwait(false)) count++;
        return count;
    }

    public ValueTask PutAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Writable().GetOrAdd(tree).Set(key.Span, value.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask InsertAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        var overlay = Writable().GetOrAdd(tree);
        var keySpan = key.Span;
        var exists = overlay.Contains(keySpan, out var deleted)
            ? !deleted
            : !overlay.InDeletedRange(keySpan) && _reader!.Exists(tree, keySpan);
        if (exists) throw new StorageDuplicateKeyException(tree, key.ToArray());
        overlay.Set(keySpan, value.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        Writable().GetOrAdd(tree).Set(key.Span, default, deleted: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteRangeAsync(long tree, KeyRange range, CancellationToken cancellationToken = default)
    {
        var writes = Writable();
        if (!range.IsEmpty)
        {
            // Own the bounds: the caller may reuse its arrays before commit.
            var owned = new KeyRange((byte[]?)range.Lower?.Clone(), range.LowerInclusive, (byte[]?)range.Upper?.Clone(), range.UpperInclusive);
            writes.GetOrAdd(tree).DeleteRange(owned);
        }

        return ValueTask.CompletedTask;
    }

    public void AppendLog(ReadOnlyMemory<byte> entry) => Writable().AppendLog(entry.Span);

    public async ValueTask<StorageCommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        Active();
        try
        {
            if (_writes is null || _writes.IsEmpty) return new StorageCommitResult(0, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            return await _engine.CommitAsync(this, _writes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Finish();
        }
    }

    public ValueTask RollbackAsync(CancellationToken cancellationToken = default)
    {
        Finish();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => RollbackAsync();

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        _writes = null;
        var reader = _reader;
        _reader = null;
        _engine.EndTransaction(this, reader);
    }

    private SqliteReadConnection Active()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        return _reader!;
    }

    private WriteOverlay Writable()
    {
        Active();
        if (Mode == StorageTransactionMode.ReadOnly) throw new InvalidOperationException("The transaction is read-only.");
        return _writes ??= new WriteOverlay();
    }
}
