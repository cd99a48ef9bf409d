using Npgsql;
using Outpost.Storage;
using Outpost.Storage.Postgres;
using Outpost.Storage.Sqlite;

namespace Outpost.Storage.Tests;

/// <summary>
/// A fresh, empty store for one test: a SQLite file in its own temp directory, or a uniquely named PostgreSQL
/// database created on the server named by OUTPOST_TEST_POSTGRES and dropped afterwards.
/// </summary>
public abstract class StorageBackend : IAsyncDisposable
{
    public const string PostgresEnvironmentVariable = "OUTPOST_TEST_POSTGRES";

    public static TheoryData<string> Names => new() { "sqlite", "postgres" };

    public abstract string Name { get; }

    /// <summary>Whether several engines (processes) may open the same store at once.</summary>
    public abstract bool SupportsManyOpeners { get; }

    /// <summary>The schema version a fresh store of this backend records.</summary>
    public abstract int ExpectedSchemaVersion { get; }

    public abstract Task<IStorageEngine> OpenAsync();

    public abstract ValueTask DisposeAsync();

    public static async Task<StorageBackend> CreateAsync(string name)
    {
        switch (name)
        {
            case "sqlite":
                return new SqliteBackend();
            case "postgres":
                var connectionString = Environment.GetEnvironmentVariable(PostgresEnvironmentVariable);
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    Assert.Skip($"PostgreSQL tests need {PostgresEnvironmentVariable} (an Npgsql connection string); it is not set.");
                }

                return await PostgresBackend.CreateDatabaseAsync(connectionString).ConfigureAwait(false);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown backend");
        }
    }

    private sealed class SqliteBackend : StorageBackend
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "outpost-storage-tests", Guid.NewGuid().ToString("N"));

        public SqliteBackend() => Directory.CreateDirectory(_directory);

        public override string Name => "sqlite";

        public override bool SupportsManyOpeners => false;

        public override int ExpectedSchemaVersion => 1;

        public override async Task<IStorageEngine> OpenAsync() =>
            await SqliteStorageEngine.OpenAsync(Path.Combine(_directory, "store.db")).ConfigureAwait(false);

        public override ValueTask DisposeAsync()
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a temp directory left behind is harmless.
            }

            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresBackend : StorageBackend
    {
        private readonly string _adminConnectionString;
        private readonly string _database;
        private readonly string _connectionString;

        private PostgresBackend(string adminConnectionString, string database, string connectionString)
        {
            _adminConnectionString = adminConnectionString;
            _database = database;
            _connectionString = connectionString;
        }

        public override string Name => "postgres";

        public override bool SupportsManyOpeners => true;

        // 2: exclusive transactions (the catalog epoch sequence and the commit guard).
        public override int ExpectedSchemaVersion => 2;

        public static async Task<PostgresBackend> CreateDatabaseAsync(string connectionString)
        {
            var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            var database = "outpost_test_" + Guid.NewGuid().ToString("N");
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await create.ExecuteNonQueryAsync();
            }

            var target = new NpgsqlConnectionStringBuilder(connectionString) { Database = database };
            return new PostgresBackend(admin.ConnectionString, database, target.ConnectionString);
        }

        public override async Task<IStorageEngine> OpenAsync() =>
            await PostgresStorageEngine.OpenAsync(_connectionString).ConfigureAwait(false);

        public override async ValueTask DisposeAsync()
        {
            await using var connection = new NpgsqlConnection(_adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
