using Npgsql;
using Outpost.Engine;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests;

/// <summary>
/// An engine on a fresh store for one test: a SQLite file in its own temp directory, or a uniquely named PostgreSQL
/// database on the server named by OUTPOST_TEST_POSTGRES (skipped when unset), dropped afterwards.
/// </summary>
public sealed class TestEngine : IAsyncDisposable
{
    public const string PostgresEnvironmentVariable = "OUTPOST_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _pgAdmin;
    private readonly string? _pgDatabase;
    private readonly string? _pgConnection;

    private TestEngine(string backend, string? directory, string? pgAdmin, string? pgDatabase, string? pgConnection)
    {
        Backend = backend;
        _directory = directory;
        _pgAdmin = pgAdmin;
        _pgDatabase = pgDatabase;
        _pgConnection = pgConnection;
    }

    public static TheoryData<string> Backends => new() { "sqlite", "postgres" };

    public string Backend { get; }

    public OutpostEngine Engine { get; private set; } = null!;

    public Database Db => Engine.GetDatabase("test");

    public static async Task<TestEngine> StartAsync(string backend, EngineOptions? template = null)
    {
        TestEngine harness;
        if (backend == "sqlite")
        {
            var directory = Path.Combine(Path.GetTempPath(), "outpost-engine-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            harness = new TestEngine(backend, directory, null, null, null);
        }
        else
        {
            var connectionString = Environment.GetEnvironmentVariable(PostgresEnvironmentVariable);
            if (string.IsNullOrWhiteSpace(connectionString))
                Assert.Skip($"PostgreSQL tests need {PostgresEnvironmentVariable} (an Npgsql connection string); it is not set.");
            var admin = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };
            var database = "outpost_engine_test_" + Guid.NewGuid().ToString("N");
            await using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                await connection.OpenAsync();
                await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
                await create.ExecuteNonQueryAsync();
            }

            harness = new TestEngine(backend, null, admin.ConnectionString, database, new NpgsqlConnectionStringBuilder(connectionString) { Database = database }.ConnectionString);
        }

        harness.Engine = await harness.OpenEngineAsync(template);
        return harness;
    }

    /// <summary>
    /// A second engine on the same PostgreSQL database: another server node, in process. The caller disposes it.
    /// Skips the test on SQLite, where one engine owns a file.
    /// </summary>
    public async Task<OutpostEngine> OpenPeerAsync(EngineOptions? template = null)
    {
        if (_pgConnection is null) Assert.Skip($"{Backend}: one engine (process) owns a store; nodes sharing one need PostgreSQL.");
        return await OpenEngineAsync(template);
    }

    /// <summary>Closes and reopens the engine on the same store (restart tests).</summary>
    public async Task RestartAsync(EngineOptions? template = null)
    {
        await Engine.DisposeAsync();
        Engine = await OpenEngineAsync(template);
    }

    private async Task<OutpostEngine> OpenEngineAsync(EngineOptions? template)
    {
        var storage = _directory is not null
            ? (Outpost.Storage.IStorageEngine)await Outpost.Storage.Sqlite.SqliteStorageEngine.OpenAsync(Path.Combine(_directory, "engine.db"))
            : await PostgresStorageEngine.OpenAsync(_pgConnection!);
        return await OutpostEngine.OpenAsync(new EngineOptions
        {
            Storage = storage,
            OwnsStorage = true,
            TransactionLifetimeLimit = template?.TransactionLifetimeLimit ?? TimeSpan.FromSeconds(60),
            ChangeLogMaxEntries = template?.ChangeLogMaxEntries,
            LogDocumentChanges = template?.LogDocumentChanges ?? true,
            ChangeLogRetention = template?.ChangeLogRetention ?? TimeSpan.FromHours(24),
            TtlMonitorInterval = template is null ? TimeSpan.FromSeconds(60) : template.TtlMonitorInterval,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Engine.DisposeAsync();
        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }

        if (_pgAdmin is not null)
        {
            await using var connection = new NpgsqlConnection(_pgAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_pgDatabase} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
