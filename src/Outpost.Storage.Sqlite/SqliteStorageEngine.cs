using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The storage contract on one SQLite file (WAL, one writer, many readers), owned by this process. Transactions read
/// a pinned WAL snapshot and buffer writes in memory; commit takes the single writer lock, checks write-write
/// conflicts against keys committed after the snapshot, and applies everything in one SQLite transaction.
/// </summary>
public sealed class SqliteStorageEngine : IStorageEngine
{
    private readonly string _connectionString;
    private readonly SqliteStorageOptions _options;
    private readonly SqliteWriter _writer;
    private readonly SemaphoreSlim _writerLock = new(1, 1);
    // Last in, first out: the reader returned most recently (warmest page cache) serves the next read, whichever thread
    // asks. A ConcurrentBag keeps one reader per thread instead, so with the wire server's thread per connection every
    // connection read through its own cold cache.
    private readonly ConcurrentStack<SqliteReadConnection> _readers = [];
    private readonly ConflictTracker _conflicts = new();
    private readonly LogPositionSignal _logSignal = new();
    private readonly FileStream _ownership;
    private long _commitVersion;
    private long _commitTime;
    private int _pooledReaders;
    private bool _disposed;

    private SqliteStorageEngine(string connectionString, SqliteStorageOptions options, SqliteConnection writerConnection, int schemaVersion, FileStream ownership)
    {
        _ownership = ownership;
        _connectionString = connectionString;
        _options = options;
        SchemaVersion = schemaVersion;
        _writer = new SqliteWriter(writerConnection, options.Synchronous);
        var (version, logLast, commitTime) = _writer.ReadState();
        _commitVersion = version;
        _commitTime = commitTime;
        _logSignal.Publish(logLast);
    }

    /// <inheritdoc/>
    public int SchemaVersion { get; }

    /// <summary>The database file.</summary>
    public string Path => new SqliteConnectionStringBuilder(_connectionString).DataSource;

    /// <summary>
    /// Opens (creating if needed) the database at <paramref name="path"/>, creating or upgrading its schema.
    /// Only one process may open a file at a time: conflict detection and log wake-ups live in this process.
    /// </summary>
    public static Task<SqliteStorageEngine> OpenAsync(string path, SqliteStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new SqliteStorageOptions();
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            Cache = SqliteCacheMode.Private,
        }.ToString();

        return Task.Run(() =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ownership = AcquireOwnership(path);
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using (var pragma = connection.CreateCommand())
                {
                    var synchronous = options.Synchronous == SqliteSynchronousMode.Full ? "FULL" : "NORMAL";
                    pragma.CommandText = $"PRAGMA page_size = {options.PageSize}; PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = {options.BusyTimeoutMilliseconds}; PRAGMA cache_size = -{options.CacheSizeKib};";
                    pragma.ExecuteNonQuery();
                }

                var version = SqliteSchema.EnsureCreated(connection);
                return new SqliteStorageEngine(connectionString, options, connection, version, ownership);
            }
            catch
            {
                connection.Dispose();
                ownership.Dispose();
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Conflict detection and log wake-ups live in this object, so a second engine on the same file (in this process
    /// or another) would silently break snapshot isolation. An exclusive lock on a side file (flock on Unix, released
    /// by the OS if the process dies) refuses it.
    /// </summary>
    private static FileStream AcquireOwnership(string path)
    {
        try
        {
            return new FileStream(path + ".owner", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new StorageException($"The SQLite store '{path}' is already open by another storage engine; one engine (one process) owns a file.", e);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IStorageTransaction> BeginAsync(StorageTransactionMode mode, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var transaction = new SqliteTransaction(this, mode);

        // Register before pinning: a commit that finishes after registration sees us and keeps its write set,
        // one that finished before is already in the snapshot we are about to pin.
        if (mode != StorageTransactionMode.ReadOnly) _conflicts.Register(transaction);
        var reader = RentReader();
        try
        {
            transaction.Pin(reader);
        }
        catch
        {
            EndTransaction(transaction, reader);
            throw;
        }

        return ValueTask.FromResult<IStorageTransaction>(transaction);
    }

    /// <inheritdoc/>
    public ValueTask<byte[]?> GetCommittedAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);

        // One autocommit SELECT reads one consistent WAL snapshot by itself: no BEGIN, snapshot pin or ROLLBACK needed.
        var reader = RentReader();
        try
        {
            return ValueTask.FromResult(reader.Get(tree, key.Span));
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    internal async ValueTask<StorageCommitResult> CommitAsync(SqliteTransaction transaction, WriteOverlay writes, CancellationToken cancellationToken)
    {
        await _writerLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        long first = 0, last = 0, commitTime;
        try
        {
            if (_conflicts.Conflicts(transaction.Snapshot, writes)) throw new StorageWriteConflictException();
            var version = _commitVersion + 1;

            // Commit times never go backwards, even when the wall clock does.
            commitTime = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), _commitTime);
            var logLast = _logSignal.Position;
            if (writes.Log is not null)
            {
                first = logLast + 1;
                last = logLast + writes.Log.Count;
            }

            _writer.Apply(writes, version, logLast + 1, commitTime, transaction.Deferred);
            _commitVersion = version;
            _commitTime = commitTime;
            _conflicts.Record(version, writes, transaction);
            if (last != 0) _logSignal.Publish(last);
        }
        finally
        {
            _writerLock.Release();
        }

        return new StorageCommitResult(first, last, commitTime);
    }

    internal void EndTransaction(SqliteTransaction transaction, SqliteReadConnection? reader)
    {
        if (transaction.Mode != StorageTransactionMode.ReadOnly) _conflicts.Unregister(transaction);
        if (reader is null) return;
        try
        {
            reader.EndSnapshot();
        }
        catch (SqliteException)
        {
            reader.Dispose();
            return;
        }

        ReturnReader(reader);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<StorageLogEntry>> ReadLogAsync(long afterPosition, int maxEntries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        var reader = RentReader();
        try
        {
            return ValueTask.FromResult<IReadOnlyList<StorageLogEntry>>(reader.ReadLog(afterPosition, maxEntries));
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask WaitForLogAsync(long afterPosition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var signal = _logSignal.NextSignal;
            if (_logSignal.Position > afterPosition) return;
            ObjectDisposedException.ThrowIf(_disposed, this);
            await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public ValueTask<long> GetLastLogPositionAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_logSignal.Position);

    /// <inheritdoc/>
    public ValueTask<long> GetSizeOnDiskAsync(CancellationToken cancellationToken = default)
    {
        static long SizeOf(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;
        return ValueTask.FromResult(SizeOf(Path) + SizeOf(Path + "-wal"));
    }

    /// <inheritdoc/>
    public ValueTask<long?> GetOldestLogPositionAsync(CancellationToken cancellationToken = default)
    {
        var reader = RentReader();
        try
        {
            return ValueTask.FromResult(reader.OldestLogPosition());
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> TrimLogAsync(long beforePosition, CancellationToken cancellationToken = default)
    {
        await _writerLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _writer.TrimLog(beforePosition);
        }
        finally
        {
            _writerLock.Release();
        }
    }

    private SqliteReadConnection RentReader()
    {
        if (_readers.TryPop(out var reader))
        {
            Interlocked.Decrement(ref _pooledReaders);
            return reader;
        }

        return new SqliteReadConnection(_connectionString, _options);
    }

    private void ReturnReader(SqliteReadConnection reader)
    {
        if (!_disposed && Interlocked.Increment(ref _pooledReaders) <= _options.MaxPooledReadConnections)
        {
            _readers.Push(reader);
            return;
        }

        Interlocked.Decrement(ref _pooledReaders);
        reader.Dispose();
    }

    /// <summary>Closes every connection. Transactions still open must not be used afterwards.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        _logSignal.Pulse();
        await _writerLock.WaitAsync().ConfigureAwait(false);
        try
        {
            while (_readers.TryPop(out var reader)) reader.Dispose();
            _writer.Dispose();
            await _ownership.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _writerLock.Release();
        }
    }
}
