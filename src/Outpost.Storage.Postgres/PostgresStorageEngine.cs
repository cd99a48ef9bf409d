using System.Globalization;
using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The storage contract on a PostgreSQL database shared by any number of server processes. Transactions are
/// REPEATABLE READ (snapshot isolation); unique keys and write conflicts are enforced by the database across
/// processes; change-log positions are commit-ordered by an advisory lock taken at commit; LISTEN/NOTIFY wakes
/// log readers in every process.
/// </summary>
public sealed class PostgresStorageEngine : IStorageEngine
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgresStorageOptions _options;
    private readonly LogPositionSignal _logSignal = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _listener;
    private bool _disposed;

    private PostgresStorageEngine(NpgsqlDataSource dataSource, PostgresStorageOptions options, int schemaVersion)
    {
        _dataSource = dataSource;
        _options = options;
        SchemaVersion = schemaVersion;
        _listener = Task.Run(() => ListenAsync(_stopping.Token));
    }

    /// <inheritdoc/>
    public int SchemaVersion { get; }

    /// <inheritdoc/>
    public bool IsShared => true;

    /// <summary>The key every transaction reads with its snapshot statement (see <see cref="PrefetchInSnapshots"/>).</summary>
    internal (long Tree, byte[] Key)? Prefetch { get; private set; }

    /// <inheritdoc/>
    public void PrefetchInSnapshots(long tree, ReadOnlyMemory<byte> key) => Prefetch = (tree, key.ToArray());

    /// <summary>Connects, creating or upgrading the schema (safe when several processes start at once).</summary>
    public static async Task<PostgresStorageEngine> OpenAsync(string connectionString, PostgresStorageOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        options ??= new PostgresStorageOptions();
        var builder = new NpgsqlDataSourceBuilder(connectionString);

        // The same few statements run millions of times: let Npgsql prepare them server-side.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        var dataSource = builder.Build();
        try
        {
            var version = await PostgresSchema.EnsureCreatedAsync(dataSource, cancellationToken).ConfigureAwait(false);
            return new PostgresStorageEngine(dataSource, options, version);
        }
        catch
        {
            await dataSource.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc/>
    public async ValueTask<IStorageTransaction> BeginAsync(StorageTransactionMode mode, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var transaction = new PostgresTransaction(this, connection, mode, _options);
        try
        {
            await transaction.BeginAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return transaction;
    }

    internal void PublishLocalCommit(long lastPosition) => _logSignal.Publish(lastPosition);

    /// <inheritdoc/>
    public async ValueTask<IReadOnlyList<StorageLogEntry>> ReadLogAsync(long afterPosition, int maxEntries, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEntries);
        await using var command = _dataSource.CreateCommand("SELECT pos, commit_time, entry FROM outpost_log WHERE pos > $1 ORDER BY pos LIMIT $2");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = afterPosition });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = maxEntries });
        var entries = new List<StorageLogEntry>(Math.Min(maxEntries, 256));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new StorageLogEntry(reader.GetInt64(0), reader.GetInt64(1), reader.GetFieldValue<byte[]>(2)));
        }

        return entries;
    }

    /// <inheritdoc/>
    public async ValueTask WaitForLogAsync(long afterPosition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var signal = _logSignal.NextSignal;
            if (_logSignal.Position > afterPosition) return;

            // The signal only knows what notifications said; ask the database (another process may have committed
            // before this one started listening).
            var last = await GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
            if (last > afterPosition)
            {
                _logSignal.Publish(last);
                return;
            }

            try
            {
                await signal.WaitAsync(_options.LogPollInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Re-query: a notification may have been lost while the listener reconnected.
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<long> GetSizeOnDiskAsync(CancellationToken cancellationToken = default)
    {
        // The Outpost tables of the schema this engine uses (several deployments may share one database).
        await using var command = _dataSource.CreateCommand(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace " +
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname LIKE 'outpost\\_%'");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async ValueTask<long> GetLastLogPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT coalesce(max(pos), 0) FROM outpost_log");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc/>
    public async ValueTask<long?> GetOldestLogPositionAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("SELECT min(pos) FROM outpost_log");
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : null;
    }

    /// <inheritdoc/>
    public async ValueTask<long> TrimLogAsync(long beforePosition, CancellationToken cancellationToken = default)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM outpost_log WHERE pos < $1 AND pos < (SELECT max(pos) FROM outpost_log)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = beforePosition });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ListenAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(stopping).ConfigureAwait(false);
                connection.Notification += (_, e) =>
                {
                    if (long.TryParse(e.Payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var position)) _logSignal.Publish(position);
                };
                await using (var listen = new NpgsqlCommand("LISTEN " + PostgresSchema.LogChannel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stopping).ConfigureAwait(false);
                }

                // Commits made while we were not listening: waiters re-query on a pulse.
                _logSignal.Pulse();
                while (true) await connection.WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.IO.IOException)
            {
                _logSignal.Pulse();
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Stops the listener and closes every pooled connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _logSignal.Pulse();
        try
        {
            await _listener.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the point.
        }

        _stopping.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
