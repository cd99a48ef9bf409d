using System.Threading.Channels;
using Outpost.Storage.Sqlite;

namespace Outpost.Sync.Snapshots;

/// <summary>
/// Hands the rows of a snapshot file from the task that reads the server's documents to a thread that writes them into
/// the file, in batches of copied bytes: reading (storage scan, metadata join, record encoding) and SQLite's inserts
/// then run at the same time instead of one after the other. Batches are reused, so a build allocates a few of them,
/// not two arrays per document.
/// </summary>
internal sealed class SnapshotRowPipe
{
    private const int BatchBytes = 1 << 20;
    private const int Batches = 4;

    private readonly Channel<RowBatch> _full = Channel.CreateBounded<RowBatch>(new BoundedChannelOptions(Batches) { SingleReader = true, SingleWriter = true });
    private readonly Channel<RowBatch> _free = Channel.CreateUnbounded<RowBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _writer;
    private RowBatch _current = new();
    private int _allocated = 1;

    public SnapshotRowPipe(SqliteBulkLoader loader, CancellationToken cancellationToken)
    {
        // A dedicated thread: SQLite's inserts are synchronous and long; they must not hold a thread-pool thread.
        _writer = Task.Factory.StartNew(() => Write(loader, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>True when the current batch should be sent (<see cref="SendAsync"/>) before more rows are added.</summary>
    public bool IsBatchFull => _current.Length >= BatchBytes;

    /// <summary>Copies one row into the current batch.</summary>
    public void Add(long tree, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value) => _current.Add(tree, key, value);

    /// <summary>Sends the current batch to the writer (waiting while it is behind) and takes a free one.</summary>
    public async ValueTask SendAsync(CancellationToken cancellationToken)
    {
        if (_current.Count == 0) return;
        RowBatch? next;
        try
        {
            await _full.Writer.WriteAsync(_current, cancellationToken).ConfigureAwait(false);
            if (!_free.Reader.TryRead(out next))
            {
                if (_allocated < Batches + 2)
                {
                    next = new RowBatch();
                    _allocated++;
                }
                else
                {
                    next = await _free.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (ChannelClosedException)
        {
            // The writer failed and closed the channels: its exception is the one to report.
            await _writer.ConfigureAwait(false);
            throw;
        }
        next.Clear();
        _current = next;
    }

    /// <summary>Sends what is left and waits until every row is written; rethrows the writer's failure.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _full.Writer.TryComplete();
        }
        await _writer.ConfigureAwait(false);
    }

    /// <summary>Stops after a failure of the reading side: the writer drains and ends (the caller deletes the file).</summary>
    public async Task AbandonAsync()
    {
        _full.Writer.TryComplete();
        try
        {
            await _writer.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // the reading side's failure is the one reported
        }
    }

    private void Write(SqliteBulkLoader loader, CancellationToken cancellationToken)
    {
        try
        {
            var reader = _full.Reader;
            while (reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (reader.TryRead(out var batch))
                {
                    batch.WriteTo(loader);
                    _free.Writer.TryWrite(batch);
                }
            }
        }
        catch
        {
            // Unblock a reading side waiting for room; it sees the failure when it completes.
            _full.Writer.TryComplete();
            _free.Writer.TryComplete();
            throw;
        }
    }

    /// <summary>Rows as (tree, key, value) slices of one growing byte buffer.</summary>
    private sealed class RowBatch
    {
        private byte[] _data = new byte[BatchBytes + (64 << 10)];
        private readonly List<(long Tree, int Key, int KeyLength, int ValueLength)> _rows = new(1024);

        public int Length { get; private set; }

        public int Count => _rows.Count;

        public void Add(long tree, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
        {
            int needed = Length + key.Length + value.Length;
            if (needed > _data.Length) Array.Resize(ref _data, Math.Max(needed, _data.Length * 2));
            key.CopyTo(_data.AsSpan(Length));
            value.CopyTo(_data.AsSpan(Length + key.Length));
            _rows.Add((tree, Length, key.Length, value.Length));
            Length = needed;
        }

        public void Clear()
        {
            _rows.Clear();
            Length = 0;
        }

        public void WriteTo(SqliteBulkLoader loader)
        {
            var data = _data.AsSpan();
            foreach (var (tree, key, keyLength, valueLength) in _rows)
                loader.Insert(tree, data.Slice(key, keyLength), data.Slice(key + keyLength, valueLength));
        }
    }
}
