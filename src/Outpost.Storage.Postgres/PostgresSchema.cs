using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>Creates and upgrades the PostgreSQL schema, recording its version in <c>outpost_meta</c>.</summary>
internal static class PostgresSchema
{
    public const int CurrentVersion = 1;

    /// <summary>NOTIFY channel carrying the last position of each commit that appended log entries.</summary>
    public const string LogChannel = "outpost_log";

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

                // Upgrades from older versions go here, one step per version, inside this transaction.
            }

            command.CommandText = CreateV1;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return CurrentVersion;
    }
}
