using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A pooled read connection with its prepared statements. A transaction pins a WAL snapshot on it with BEGIN plus a
/// first read (of the commit version, which is then exactly the snapshot's version) and holds it until it ends.
/// </summary>
internal sealed class SqliteReadConnection : IDisposable
{
    private readonly SqliteRawStatement _begin;
    private readonly SqliteRawStatement _pin;
    private readonly SqliteRawStatement _end;
    private readonly SqliteRawStatement _get;
    private readonly SqliteRawStatement _exists;
    private readonly SqliteCommand?[] _scans = new SqliteCommand?[SqliteRangeSql.ShapeCount * 2];
    private readonly bool[] _scanBusy = new bool[SqliteRangeSql.ShapeCount * 2];
    private readonly SqliteCommand?[] _counts = new SqliteCommand?[SqliteRangeSql.ShapeCount];
    private SqliteCommand? _readLog;
    private SqliteCommand? _lastLog;
    private SqliteCommand? _oldestLog;
    private bool _inSnapshot;

    public SqliteReadConnection(string connectionString, SqliteStorageOptions options)
    {
        Connection = new SqliteConnection(connectionString);
        Connection.Open();
        using (var pragma = Connection.CreateCommand())
        {
            pragma.CommandText = $"PRAGMA busy_timeout = {options.BusyTimeoutMilliseconds}; PRAGMA cache_size = -{options.ReadCacheSizeKib}; PRAGMA mmap_size = {options.MmapSizeBytes}; PRAGMA query_only = 1;";
            pragma.ExecuteNonQuery();
        }

        // Every read transaction (each _id lookup among them) runs these three: raw statements, like the point reads.
        _begin = new SqliteRawStatement(Connection, "BEGIN");
        _pin = new SqliteRawStatement(Connection, "SELECT commit_version FROM outpost_state WHERE id = 1");
        _end = new SqliteRawStatement(Connection, "ROLLBACK");
        // Point reads are the hottest read path (_id lookups, unique checks): raw statements, no data reader.
        _get = new SqliteRawStatement(Connection, "SELECT value FROM outpost_kv WHERE tree = ?1 AND key = ?2");
        _exists = new SqliteRawStatement(Connection, "SELECT 1 FROM outpost_kv WHERE tree = ?1 AND key = ?2");
    }

    public SqliteConnection Connection { get; }

    /// <summary>Starts a read transaction and pins its snapshot; returns the snapshot's commit version.</summary>
    public long BeginSnapshot()
    {
        _begin.Execute();
        _inSnapshot = true;
        try
        {
            if (!_pin.Step()) throw new StorageException("The store's state row is missing.");
            return _pin.ColumnInt64(0);
        }
        finally
        {
            _pin.Reset();
        }
    }

    public void EndSnapshot()
    {
        if (!_inSnapshot) return;
        _inSnapshot = false;
        _end.Execute();
    }

    public byte[]? Get(long tree, ReadOnlySpan<byte> key)
    {
        _get.BindInt64(1, tree);
        _get.BindBlob(2, key);
        try
        {
            return _get.Step() ? _get.ColumnBlob(0) : null;
        }
        finally
        {
            _get.Reset();
        }
    }

    public bool Exists(long tree, ReadOnlySpan<byte> key)
    {
        _exists.BindInt64(1, tree);
        _exists.BindBlob(2, key);
        try
        {
            return _exists.Step();
        }
        finally
        {
            _exists.Reset();
        }
    }

    /// <summary>
    /// A scan statement for the range's shape. Nested scans of the same shape in one transaction get a throwaway
    /// statement (slot -1) because a prepared statement can run only once at a time.
    /// </summary>
    public SqliteCommand RentScan(long tree, in KeyRange range, bool reverse, out int slot)
    {
        var shape = SqliteRangeSql.Shape(range);
        slot = (shape * 2) + (reverse ? 1 : 0);
        SqliteCommand command;
        if (_scanBusy[slot])
        {
            slot = -1;
            command = SqliteRangeSql.Prepare(Connection, ScanSql(shape, reverse), shape);
        }
        else
        {
            command = _scans[slot] ??= SqliteRangeSql.Prepare(Connection, ScanSql(shape, reverse), shape);
            _scanBusy[slot] = true;
        }

        SqliteRangeSql.Bind(command, tree, range);
        return command;
    }

    public void ReturnScan(SqliteCommand command, int slot)
    {
        if (slot < 0) command.Dispose();
        else _scanBusy[slot] = false;
    }

    public long Count(long tree, in KeyRange range)
    {
        var shape = SqliteRangeSql.Shape(range);
        var command = _counts[shape] ??= SqliteRangeSql.Prepare(Connection, "SELECT count(*) FROM outpost_kv WHERE " + SqliteRangeSql.Where(shape), shape);
        SqliteRangeSql.Bind(command, tree, range);
        return (long)command.ExecuteScalar()!;
    }

    public List<StorageLogEntry> ReadLog(long afterPosition, int maxEntries)
    {
        if (_readLog is null)
        {
            _readLog = Prepare("SELECT pos, commit_time, entry FROM outpost_log WHERE pos > $after ORDER BY pos LIMIT $max");
            _readLog.Parameters.Add("$after", SqliteType.Integer);
            _readLog.Parameters.Add("$max", SqliteType.Integer);
        }

        _readLog.Parameters[0].Value = afterPosition;
        _readLog.Parameters[1].Value = maxEntries;
        var entries = new List<StorageLogEntry>(Math.Min(maxEntries, 256));
        using var reader = _readLog.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(new StorageLogEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        }

        return entries;
    }

    public long LastLogPosition()
    {
        _lastLog ??= Prepare("SELECT log_last FROM outpost_state WHERE id = 1");
        return (long)_lastLog.ExecuteScalar()!;
    }

    public long? OldestLogPosition()
    {
        _oldestLog ??= Prepare("SELECT min(pos) FROM outpost_log");
        var value = _oldestLog.ExecuteScalar();
        return value is long position ? position : null;
    }

    private static string ScanSql(int shape, bool reverse) =>
        "SELECT key, value FROM outpost_kv WHERE " + SqliteRangeSql.Where(shape) + (reverse ? " ORDER BY key DESC" : " ORDER BY key");

    private SqliteCommand Prepare(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _scans) command?.Dispose();
        foreach (var command in _counts) command?.Dispose();
        _readLog?.Dispose();
        _lastLog?.Dispose();
        _oldestLog?.Dispose();
        _begin.Dispose();
        _pin.Dispose();
        _end.Dispose();
        _get.Dispose();
        _exists.Dispose();
        Connection.Dispose();
    }
}
