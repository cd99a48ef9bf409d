using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCL directly, for the commit loop that runs once per written key:
/// Microsoft.Data.Sqlite's ExecuteNonQuery builds a data reader and re-infers parameter types on every call, which
/// costs more than SQLite's own work for a small row.
/// </summary>
internal sealed class SqliteRawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteRawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    public void BindInt64(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void BindBlob(int index, ReadOnlySpan<byte> value)
    {
        // A zero-length span may arrive as a null pointer, which SQLite would store as NULL; bind an empty blob instead.
        Check(value.IsEmpty ? raw.sqlite3_bind_zeroblob(_statement, index, 0) : raw.sqlite3_bind_blob(_statement, index, value));
    }

    /// <summary>Steps once; true when a row is current (read it, then call <see cref="Reset"/>).</summary>
    public bool Step()
    {
        var rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW) return true;
        if (rc == raw.SQLITE_DONE) return false;
        raw.sqlite3_reset(_statement);
        Check(rc);
        return false;
    }

    /// <summary>The current row's column as a new array (an empty blob and NULL both read as empty).</summary>
    public byte[] ColumnBlob(int index) => raw.sqlite3_column_blob(_statement, index).ToArray();

    /// <summary>The current row's column as an integer.</summary>
    public long ColumnInt64(int index) => raw.sqlite3_column_int64(_statement, index);

    public void Reset() => raw.sqlite3_reset(_statement);

    /// <summary>Runs the statement to completion and resets it for the next bindings.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW) Check(rc);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK) throw new SqliteException(raw.sqlite3_errmsg(_db).utf8_to_string(), rc, raw.sqlite3_extended_errcode(_db));
    }

    public void Dispose() => _statement.Dispose();
}
