using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The single write connection and its prepared statements. Used only under the engine's writer lock. Applies one
/// transaction's buffered writes in one SQLite transaction, trees in key order (sequential B-tree inserts are the
/// cheapest kind), then COMMIT.
/// </summary>
internal sealed class SqliteWriter : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteRawStatement _upsert;
    private readonly SqliteRawStatement _delete;
    private readonly SqliteRawStatement _appendLog;
    private readonly SqliteCommand _updateState;
    private readonly SqliteCommand _trimLog;
    private readonly SqliteCommand?[] _deleteRanges = new SqliteCommand?[SqliteRangeSql.ShapeCount];
    private readonly SqliteCommand? _syncNormal;
    private readonly SqliteCommand? _syncFull;

    public SqliteWriter(SqliteConnection connection, SqliteSynchronousMode synchronous = SqliteSynchronousMode.Full)
    {
        _connection = connection;
        if (synchronous == SqliteSynchronousMode.Full)
        {
            // A deferred commit runs under synchronous = NORMAL: in WAL mode that skips the fsync of this commit only;
            // the next FULL commit syncs the WAL with it, so durable commits stay a prefix of the log.
            _syncNormal = Prepare("PRAGMA synchronous = NORMAL");
            _syncFull = Prepare("PRAGMA synchronous = FULL");
        }
        _begin = Prepare("BEGIN IMMEDIATE");
        _commit = Prepare("COMMIT");
        _rollback = Prepare("ROLLBACK");
        _upsert = new SqliteRawStatement(connection, "INSERT INTO outpost_kv(tree, key, value) VALUES (?1, ?2, ?3) ON CONFLICT(tree, key) DO UPDATE SET value = excluded.value");
        _delete = new SqliteRawStatement(connection, "DELETE FROM outpost_kv WHERE tree = ?1 AND key = ?2");
        _appendLog = new SqliteRawStatement(connection, "INSERT INTO outpost_log(pos, commit_time, entry) VALUES (?1, ?2, ?3)");
        _updateState = Prepare("UPDATE outpost_state SET commit_version = $version, log_last = $last, commit_time = $time WHERE id = 1");
        _updateState.Parameters.Add("$version", SqliteType.Integer);
        _updateState.Parameters.Add("$last", SqliteType.Integer);
        _updateState.Parameters.Add("$time", SqliteType.Integer);
        _trimLog = Prepare("DELETE FROM outpost_log WHERE pos < $before AND pos < (SELECT max(pos) FROM outpost_log)");
        _trimLog.Parameters.Add("$before", SqliteType.Integer);
        foreach (var command in new[] { _updateState, _trimLog }) command.Prepare();
    }

    public (long CommitVersion, long LogLast, long CommitTime) ReadState()
    {
        using var command = Prepare("SELECT commit_version, log_last, commit_time FROM outpost_state WHERE id = 1");
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    public void Apply(WriteOverlay writes, long version, long firstLogPosition, long commitTime, bool deferDurability = false)
    {
        if (deferDurability && _syncNormal is not null)
        {
            _syncNormal.ExecuteNonQuery();
            try
            {
                Apply(writes, version, firstLogPosition, commitTime);
            }
            finally
            {
                _syncFull!.ExecuteNonQuery();
            }
            return;
        }

        _begin.ExecuteNonQuery();
        try
        {
            foreach (var tree in writes.Trees.Values) ApplyTree(tree);
            var last = firstLogPosition - 1;
            if (writes.Log is not null)
            {
                _appendLog.BindInt64(2, commitTime);
                foreach (var entry in writes.Log)
                {
                    _appendLog.BindInt64(1, ++last);
                    _appendLog.BindBlob(3, writes.Arena.Get(entry));
                    _appendLog.Execute();
                }
            }

            _updateState.Parameters[0].Value = version;
            _updateState.Parameters[1].Value = writes.Log is null ? firstLogPosition - 1 : last;
            _updateState.Parameters[2].Value = commitTime;
            _updateState.ExecuteNonQuery();
            _commit.ExecuteNonQuery();
        }
        catch
        {
            TryRollback();
            throw;
        }
    }

    public long TrimLog(long beforePosition)
    {
        _trimLog.Parameters[0].Value = beforePosition;
        return _trimLog.ExecuteNonQuery();
    }

    private void ApplyTree(TreeOverlay tree)
    {
        // Ranges first: every point write still in the overlay happened after the range delete that would cover it
        // (the delete removed earlier ones from the overlay).
        if (tree.DeletedRanges is not null)
        {
            foreach (var range in tree.DeletedRanges)
            {
                var shape = SqliteRangeSql.Shape(range);
                var command = _deleteRanges[shape] ??= SqliteRangeSql.Prepare(_connection, "DELETE FROM outpost_kv WHERE " + SqliteRangeSql.Where(shape), shape);
                SqliteRangeSql.Bind(command, tree.Tree, range);
                command.ExecuteNonQuery();
            }
        }

        _upsert.BindInt64(1, tree.Tree);
        _delete.BindInt64(1, tree.Tree);
        foreach (var entry in tree.Sorted)
        {
            if (entry.Value.IsDeleted)
            {
                _delete.BindBlob(2, tree.KeyOf(entry));
                _delete.Execute();
            }
            else
            {
                _upsert.BindBlob(2, tree.KeyOf(entry));
                _upsert.BindBlob(3, tree.ValueOf(entry));
                _upsert.Execute();
            }
        }
    }

    private void TryRollback()
    {
        try
        {
            _rollback.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); the original error matters more.
        }
    }

    private SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _deleteRanges) command?.Dispose();
        foreach (var command in new[] { _begin, _commit, _rollback, _updateState, _trimLog }) command.Dispose();
        _syncNormal?.Dispose();
        _syncFull?.Dispose();
        _upsert.Dispose();
        _delete.Dispose();
        _appendLog.Dispose();
        _connection.Dispose();
    }
}
