using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>Creates and upgrades the SQLite schema, recording its version in <c>outpost_meta</c>.</summary>
internal static class SqliteSchema
{
    public const int CurrentVersion = 1;

    // WITHOUT ROWID: the (tree, key) primary key is the B-tree itself, so a range scan reads values in place
    // instead of hopping from an index to a rowid table. BLOB comparison in SQLite is memcmp, shorter first,
    // which is the contract's key order.
    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS outpost_meta(name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outpost_kv(tree INTEGER NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, PRIMARY KEY(tree, key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS outpost_log(pos INTEGER PRIMARY KEY, commit_time INTEGER NOT NULL, entry BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS outpost_state(id INTEGER PRIMARY KEY CHECK (id = 1), commit_version INTEGER NOT NULL, log_last INTEGER NOT NULL, commit_time INTEGER NOT NULL);
        INSERT OR IGNORE INTO outpost_state(id, commit_version, log_last, commit_time) VALUES (1, 0, 0, 0);
        INSERT OR IGNORE INTO outpost_meta(name, value) VALUES ('schema_version', '1');
        """;

    public static int EnsureCreated(SqliteConnection connection)
    {
        using var begin = connection.CreateCommand();
        begin.CommandText = "BEGIN IMMEDIATE";
        begin.ExecuteNonQuery();
        try
        {
            using (var create = connection.CreateCommand())
            {
                create.CommandText = CreateV1;
                create.ExecuteNonQuery();
            }

            int version;
            using (var read = connection.CreateCommand())
            {
                read.CommandText = "SELECT value FROM outpost_meta WHERE name = 'schema_version'";
                version = int.Parse((string)read.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
            }

            if (version > CurrentVersion)
            {
                throw new StorageException($"The database has schema version {version}; this build supports up to {CurrentVersion}.");
            }

            // Upgrades from older versions go here, one step per version, each inside this transaction.
            using (var commit = connection.CreateCommand())
            {
                commit.CommandText = "COMMIT";
                commit.ExecuteNonQuery();
            }

            return version;
        }
        catch
        {
            using var rollback = connection.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
            throw;
        }
    }
}
