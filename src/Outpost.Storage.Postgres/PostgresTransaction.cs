using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Outpost.Storage.Postgres;

/// <summary>
/// A REPEATABLE READ transaction on one pooled connection. PostgreSQL itself provides the snapshot,
/// read-your-own-writes, unique keys and write-conflict detection; this class batches Put/Delete statements into one
/// round trip (flushed before any read, Insert or commit, so the database always holds the transaction's view) and
/// maps serialization failures to <see cref="StorageWriteConflictException"/>.
/// </summary>
internal sealed class PostgresTransaction : IStorageTransaction
{
    private const string UpsertSql = "INSERT INTO outpost_kv(tree, key, value) VALUES ($1, $2, $3) ON CONFLICT (tree, key) DO UPDATE SET value = EXCLUDED.value";
    private const string InsertSql = "INSERT INTO outpost_kv(tree, key, value) VALUES ($1, $2, $3) ON CONFLICT (tree, key) DO NOTHING";
    private const string DeleteSql = "DELETE FROM outpost_kv WHERE tree = $1 AND key = $2";
    private const string GetSql = "SELECT value FROM outpost_kv WHERE tree = $1 AND key = $2";

    private readonly NpgsqlConnection _connection;
    private readonly PostgresStorageEngine _engine;
    private readonly PostgresStorageOptions _options;
    private readonly NpgsqlBatch _pending;
    private List<byte[]>? _log;
    private long _epoch;

    // The prefetched key's value in this snapshot, valid until this transaction writes that key.
    private (long Tree, byte[] Key)? _prefetch;
    private byte[]? _prefetched;
    private bool _holdsExclusiveLock;
    private bool _failed;
    private bool _finished;

    public PostgresTransaction(PostgresStorageEngine engine, NpgsqlConnection connection, StorageTransactionMode mode, PostgresStorageOptions options)
    {
        _engine = engine;
        _connection = connection;
        _options = options;
        Mode = mode;
        _pending = new NpgsqlBatch(connection);
        _prefetch = engine.Prefetch;
    }

    public StorageTransactionMode Mode { get; }

    internal async Task BeginAsync(CancellationToken cancellationToken)
    {
        // The first statement after BEGIN takes the snapshot; take it now so the snapshot is as of BeginAsync. That
        // statement reads the prefetched key (or just SELECT 1). Every variant is one round trip.
        await using var batch = new NpgsqlBatch(_connection);
        switch (Mode)
        {
            case StorageTransactionMode.ReadOnly:
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
                break;

            case StorageTransactionMode.ReadWrite:
                // The catalog epoch is read BEFORE the snapshot: an exclusive transaction advances it only after it
                // committed, so a snapshot that misses that commit always goes with an older epoch (see CommitAsync).
                // The error barrier ends the implicit transaction PostgreSQL wraps pipelined statements in, so BEGIN
                // can still set the isolation level.
                batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT (" + PostgresSchema.EpochSql + ") AS epoch") { AppendErrorBarrier = true });
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ"));
                break;

            default:
                // The exclusive lock is taken outside the transaction so the snapshot is taken after every writer
                // holding the shared side has committed. Assume it is held from here on: a cancelled or failed wait
                // still releases it in FinishAsync.
                _holdsExclusiveLock = true;
                batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_lock({PostgresSchema.ExclusiveLockKey})") { AppendErrorBarrier = true });
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ"));
                break;
        }

        if (_prefetch is { } prefetch)
        {
            var snapshot = new NpgsqlBatchCommand(GetSql);
            snapshot.Parameters.Add(new NpgsqlParameter<long> { TypedValue = prefetch.Tree });
            snapshot.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = prefetch.Key, NpgsqlDbType = NpgsqlDbType.Bytea });
            batch.BatchCommands.Add(snapshot);
        }
        else
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT 1"));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        do
        {
            if (reader.FieldCount == 0 || !await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) continue;
            switch (reader.GetName(0))
            {
                case "epoch": _epoch = reader.GetInt64(0); break;
                case "value": _prefetched = reader.GetFieldValue<byte[]>(0); break;
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Forgets the prefetched value once this transaction may have changed it.</summary>
    private void Wrote(long tree, ReadOnlySpan<byte> key)
    {
        if (_prefetch is { } prefetch && prefetch.Tree == tree && (key.IsEmpty || key.SequenceEqual(prefetch.Key))) _prefetch = null;
    }

    public async ValueTask<byte[]?> GetAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        Active();
        if (_prefetch is { } prefetch && prefetch.Tree == tree && key.Span.SequenceEqual(prefetch.Key)) return _prefetched;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(GetSql, _connection);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tree });
        command.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Bytea });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? reader.GetFieldValue<byte[]>(0) : null;
        }
        catch (PostgresException e)
        {
            throw Fail(e);
        }
    }

    public async IAsyncEnumerable<StorageEntry> ScanAsync(long tree, KeyRange range, bool reverse = false, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Active();
        if (range.IsEmpty) yield break;

        // Keyset pagination instead of one open reader: a connection runs one statement at a time, and the engine
        // issues Gets (and writes) while it enumerates a scan. Each page is an index range scan resuming after the
        // last key returned; the snapshot makes pages consistent with each other.
        var pageSize = Math.Min(64, _options.ScanPageSize);
        var page = new List<StorageEntry>(pageSize);
        while (true)
        {
            Active();
            await FlushAsync(cancellationToken).ConfigureAwait(false);
            page.Clear();
            await using (var command = new NpgsqlCommand(null, _connection))
            {
                command.CommandText = "SELECT key, value FROM outpost_kv WHERE " + PostgresRangeSql.Where(range)
                    + (reverse ? " ORDER BY key DESC" : " ORDER BY key") + " LIMIT $" + (PostgresRangeSql.ParameterCount(range) + 1);
                PostgresRangeSql.AddParameters(command.Parameters, tree, range);
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pageSize });
                try
                {
                    await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        page.Add(new StorageEntry(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1)));
                    }
                }
                catch (PostgresException e)
                {
                    throw Fail(e);
                }
            }

            foreach (var entry in page) yield return entry;
            if (page.Count < pageSize) yield break;
            var last = page[^1].Key;
            range = reverse ? range with { Upper = last, UpperInclusive = false } : range with { Lower = last, LowerInclusive = false };
            pageSize = Math.Min(pageSize * 4, _options.ScanPageSize);
        }
    }

    public async ValueTask<long> CountAsync(long tree, KeyRange range, CancellationToken cancellationToken = default)
    {
        Active();
        if (range.IsEmpty) return 0;
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM outpost_kv WHERE " + PostgresRangeSql.Where(range), _connection);
        PostgresRangeSql.AddParameters(command.Parameters, tree, range);
        try
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
        catch (PostgresException e)
        {
            throw Fail(e);
        }
    }

    public ValueTask PutAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Writable();
        Wrote(tree, key.Span);
        _pending.BatchCommands.Add(KeyValueCommand(UpsertSql, tree, key.ToArray(), value.ToArray()));
        return _pending.BatchCommands.Count >= _options.WriteBatchSize ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public async ValueTask InsertAsync(long tree, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default)
    {
        Writable();
        Wrote(tree, key.Span);
        var keyArray = key.ToArray();
        var insert = KeyValueCommand(InsertSql, tree, keyArray, value.ToArray());

        // Sent together with the buffered writes: one round trip. ON CONFLICT DO NOTHING rather than catching a unique
        // violation, because an error would abort the whole transaction and a savepoint per insert costs a
        // subtransaction. A conflicting row committed after our snapshot raises a serialization failure instead.
        _pending.BatchCommands.Add(insert);
        await FlushAsync(cancellationToken).ConfigureAwait(false);
        if (insert.RecordsAffected == 0) throw new StorageDuplicateKeyException(tree, keyArray);
    }

    public ValueTask DeleteAsync(long tree, ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        Writable();
        Wrote(tree, key.Span);
        var command = new NpgsqlBatchCommand(DeleteSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tree });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea });
        _pending.BatchCommands.Add(command);
        return _pending.BatchCommands.Count >= _options.WriteBatchSize ? FlushAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    public ValueTask DeleteRangeAsync(long tree, KeyRange range, CancellationToken cancellationToken = default)
    {
        Writable();
        if (range.IsEmpty) return ValueTask.CompletedTask;
        Wrote(tree, default);
        var owned = new KeyRange((byte[]?)range.Lower?.Clone(), range.LowerInclusive, (byte[]?)range.Upper?.Clone(), range.UpperInclusive);
        var command = new NpgsqlBatchCommand("DELETE FROM outpost_kv WHERE " + PostgresRangeSql.Where(owned));
        PostgresRangeSql.AddParameters(command.Parameters, tree, owned);
        _pending.BatchCommands.Add(command);
        return FlushAsync(cancellationToken);
    }

    public void AppendLog(ReadOnlyMemory<byte> entry)
    {
        Writable();
        (_log ??= []).Add(entry.ToArray());
    }

    public async ValueTask<StorageCommitResult> CommitAsync(CancellationToken cancellationToken = default)
    {
        Active();
        try
        {
            if (Mode == StorageTransactionMode.ReadWrite)
            {
                // Waits while an exclusive transaction (an index build on another node) runs, then refuses this commit
                // if one committed after our snapshot: our writes may have used the catalog it replaced.
                var guard = new NpgsqlBatchCommand(PostgresSchema.CommitGuardSql);
                guard.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _epoch });
                _pending.BatchCommands.Add(guard);
            }

            NpgsqlBatchCommand? append = null;
            if (_log is not null)
            {
                append = new NpgsqlBatchCommand("SELECT outpost_append_log($1)");
                append.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = _log.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
                _pending.BatchCommands.Add(append);
            }

            _pending.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            if (Mode == StorageTransactionMode.Exclusive)
            {
                // After COMMIT, never before: a writer that read the new epoch must also have a snapshot with our commit.
                _pending.BatchCommands.Add(new NpgsqlBatchCommand("SELECT nextval('outpost_catalog_epoch')"));
                _pending.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_unlock({PostgresSchema.ExclusiveLockKey})"));
            }

            long first = 0, last = 0, time = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            try
            {
                await using var reader = await _pending.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                do
                {
                    // The log append returns the positions; the guard, epoch and unlock rows are not needed.
                    if (reader.FieldCount > 0 && reader.GetName(0) == "outpost_append_log" && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var result = reader.GetFieldValue<long[]>(0);
                        first = result[0];
                        time = result[1];
                        last = first + _log!.Count - 1;
                    }
                }
                while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            }
            catch (PostgresException e)
            {
                throw Fail(e);
            }

            _pending.BatchCommands.Clear();
            _finished = true;
            if (Mode == StorageTransactionMode.Exclusive) _holdsExclusiveLock = false;
            if (last != 0) _engine.PublishLocalCommit(last);
            return new StorageCommitResult(first, last, time);
        }
        finally
        {
            await FinishAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask RollbackAsync(CancellationToken cancellationToken = default) => await FinishAsync().ConfigureAwait(false);

    public ValueTask DisposeAsync() => RollbackAsync();

    private async ValueTask FinishAsync()
    {
        if (_connection.State == System.Data.ConnectionState.Closed) return;
        try
        {
            if (!_finished || _holdsExclusiveLock)
            {
                // A session-level lock outlives the transaction: release it before the connection goes back to the pool.
                var sql = _finished ? "SELECT pg_advisory_unlock_all()" : _holdsExclusiveLock ? "ROLLBACK; SELECT pg_advisory_unlock_all()" : "ROLLBACK";
                _finished = true;
                _holdsExclusiveLock = false;
                await using var rollback = new NpgsqlCommand(sql, _connection);
                await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
            }
        }
        catch (NpgsqlException)
        {
            // A broken connection has no transaction left to roll back; the pool discards it.
        }
        finally
        {
            await _pending.DisposeAsync().ConfigureAwait(false);
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.BatchCommands.Count == 0) return;
        try
        {
            await _pending.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            throw Fail(e);
        }
        finally
        {
            _pending.BatchCommands.Clear();
        }
    }

    private static NpgsqlBatchCommand KeyValueCommand(string sql, long tree, byte[] key, byte[] value)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = tree });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = key, NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = value, NpgsqlDbType = NpgsqlDbType.Bytea });
        return command;
    }

    private Exception Fail(PostgresException e)
    {
        // Any error aborts a PostgreSQL transaction: nothing more can run in it.
        _failed = true;
        return e.SqlState switch
        {
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected =>
                new StorageWriteConflictException("Write conflict: " + e.MessageText, e),
            _ => new StorageException("PostgreSQL error " + e.SqlState + ": " + e.MessageText, e),
        };
    }

    private void Active()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_failed) throw new StorageException("The transaction failed earlier and was aborted; roll it back.");
    }

    private void Writable()
    {
        Active();
        if (Mode == StorageTransactionMode.ReadOnly) throw new InvalidOperationException("The transaction is read-only.");
    }
}
