using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>Creates and upgrades the PostgreSQL schema, recording its version in <c>outpost_meta</c>.</summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 2;

    /// <summary>NOTIFY channel carrying the last position of each commit that appended log entries.</summary>
    public const string LogChannel = "outpost_log";

    /// <summary>
    /// Session-level advisory lock held exclusively by an <see cref="StorageTransactionMode.Exclusive"/> transaction
    /// from before its snapshot until after its commit; read-write commits take it shared (transaction-scoped) in
    /// <see cref="CommitGuardSql"/>.
    /// </summary>
    public const long ExclusiveLockKey = 0x4F75_7470_6F73_7403;

    // Serializes schema creation when several server nodes start at once (CREATE ... IF NOT EXISTS races otherwise).
    private const long SchemaLockKey = 0x4F75_7470_6F73_7401;

    // Change-log positions must become visible in position order. A sequence alone is not commit-ordered, so every
    // appending commit takes one transaction-scoped advisory lock just before drawing positions and holds it until it
    // commits: positions are drawn in the order commits happen, and no later position can be visible while an
    // earlier one is still uncommitted. The cost is that appending commits serialize from this call to COMMIT.
    private const string CreateV1 = """
        CREATE TABLE IF NOT EXISTS outpost_meta(name text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE IF NOT EXISTS outpost_kv(tree bigint NOT NULL, key bytea NOT NULL, value bytea NOT NULL, PRIMARY KEY (tree, key));
        CREATE TABLE IF NOT EXISTS outpost_log(pos bigint PRIMARY KEY, commit_time bigint NOT NULL, entry bytea NOT NULL);
        CREATE SEQUENCE IF NOT EXISTS outpost_log_pos;
        CREATE OR REPLACE FUNCTION outpost_append_log(entries bytea[]) RETURNS bigint[] LANGUAGE plpgsql AS $fn$
        DECLARE
            n bigint := cardinality(entries);
            first_pos bigint;
            now_ms bigint;
        BEGIN
            PERFORM pg_advisory_xact_lock(5725108424587125762);
            first_pos := nextval('outpost_log_pos');
            IF n > 1 THEN
                PERFORM setval('outpost_log_pos', first_pos + n - 1);
            END IF;
            now_ms := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;
            INSERT INTO outpost_log(pos, commit_time, entry)
                SELECT first_pos + t.o - 1, now_ms, t.e FROM unnest(entries) WITH ORDINALITY AS t(e, o);
            PERFORM pg_notify('outpost_log', (first_pos + n - 1)::text);
            RETURN ARRAY[first_pos, now_ms];
        END
        $fn$;
        INSERT INTO outpost_meta(name, value) VALUES ('schema_version', '1') ON CONFLICT DO NOTHING;
        """;

    // Version 2: exclusive transactions (catalog changes) against writers on other nodes. The epoch is a sequence
    // because sequences are not transactional: a REPEATABLE READ writer reads its current value, not its snapshot's.
    // A writer records the epoch just before its snapshot; an exclusive transaction advances it right after its
    // COMMIT. So a writer whose snapshot predates an exclusive commit always recorded an older epoch, and its commit
    // guard (taken under the shared lock, i.e. after that exclusive transaction released its lock) refuses it.
    private const string CreateV2 = """
        CREATE SEQUENCE IF NOT EXISTS outpost_catalog_epoch;
        CREATE OR REPLACE FUNCTION outpost_epoch_moved() RETURNS bigint LANGUAGE plpgsql AS $fn$
        BEGIN
            RAISE EXCEPTION 'an exclusive transaction (a catalog change) committed after this transaction began'
                USING ERRCODE = 'serialization_failure';
        END
        $fn$;
        UPDATE outpost_meta SET value = '2' WHERE name = 'schema_version' AND value = '1';
        """;

    /// <summary>The current catalog epoch; sequences are read outside MVCC, so this is never a snapshot's value.</summary>
    public const string EpochSql = "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM outpost_catalog_epoch";

    /// <summary>
    /// The commit guard of a read-write transaction ($1 = the epoch read before its snapshot): waits while an exclusive
    /// transaction holds the lock, then fails with 40001 if one committed since. Plain SQL on the hot path (a PL/pgSQL
    /// call costs more); the raising function runs only on a mismatch.
    /// </summary>
    public static readonly string CommitGuardSql =
        $"SELECT pg_advisory_xact_lock_shared({ExclusiveLockKey}), CASE WHEN ({EpochSql}) <> $1 THEN outpost_epoch_moved() END";


    public static async Task<int> EnsureCreatedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey})", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand("SELECT value FROM outpost_meta WHERE name = 'schema_version'", connection, transaction))
        {
            // The meta table may not exist yet; check the catalog instead of failing the transaction.
            command.CommandText = "SELECT to_regclass('outpost_meta') IS NOT NULL";
            var exists = (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            if (exists)
            {
                command.CommandText = "SELECT value FROM outpost_meta WHERE name = 'schema_version'";
                var recorded = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                var version = recorded is null ? 0 : int.Parse(recorded, System.Globalization.CultureInfo.InvariantCulture);
                if (version > CurrentVersion)
                {
                    throw new StorageException($"The database has schema version {version}; this build supports up to {CurrentVersion}.");
                }

                // Upgrades run inside this transaction; every step is idempotent (1 → 2: CreateV2 below).
            }

            command.CommandText = CreateV1;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            command.CommandText = CreateV2;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return CurrentVersion;
    }
}
