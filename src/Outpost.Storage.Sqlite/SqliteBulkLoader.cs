using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Fills the key/value entries of a database file that no storage engine has open, in one unjournaled transaction
/// (<c>journal_mode = OFF</c>, <c>synchronous = OFF</c>, exclusive lock) with one prepared statement: for files that
/// are built aside and put into service only once complete and verified — a crash or an error leaves a file to delete,
/// never a half-written live database, so a journal and fsyncs would buy nothing. The file must have been created by
/// <see cref="SqliteStorageEngine"/> (its schema) and be closed. Entries should come in key order per tree for speed;
/// a duplicate (tree, key) fails (<see cref="SqliteException"/>).
/// </summary>
public sealed class SqliteBulkLoader : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteRawStatement _insert;
    private bool _committed;

    private SqliteBulkLoader(SqliteConnection connection)
    {
        _connection = connection;
        _insert = new SqliteRawStatement(connection, "INSERT INTO outpost_kv(tree, key, value) VALUES (?1, ?2, ?3)");
    }

    /// <summary>Opens <paramref name="path"/> and begins the load.</summary>
    public static SqliteBulkLoader Open(string path, int cacheSizeKib = 64 * 1024)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                // DELETE first: a file left in WAL mode by the engine that made it becomes a single self-contained file
                // (the SDK switches it back to WAL when it opens it); OFF is not persisted, it only skips the journal here.
                pragma.CommandText = $"PRAGMA journal_mode = DELETE; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -{cacheSizeKib}; BEGIN EXCLUSIVE;";
                pragma.ExecuteNonQuery();
            }
            return new SqliteBulkLoader(connection);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Number of entries written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one entry.</summary>
    public void Insert(long tree, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        _insert.BindInt64(1, tree);
        _insert.BindBlob(2, key);
        _insert.BindBlob(3, value);
        _insert.Execute();
        Count++;
    }

    /// <summary>Commits the load; the file is complete (not yet flushed to disk: the caller hashes or syncs it).</summary>
    public void Commit()
    {
        using var commit = _connection.CreateCommand();
        commit.CommandText = "COMMIT";
        commit.ExecuteNonQuery();
        _committed = true;
    }

    /// <summary>Closes the file; an uncommitted load is abandoned (the caller deletes the file: without a journal it is not rolled back).</summary>
    public void Dispose()
    {
        _insert.Dispose();
        if (!_committed)
        {
            try
            {
                using var rollback = _connection.CreateCommand();
                rollback.CommandText = "ROLLBACK";
                rollback.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // nothing to roll back
            }
        }
        _connection.Dispose();
    }
}
