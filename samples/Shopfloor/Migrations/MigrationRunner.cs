using Outpost;
using Outpost.Bson;
using Outpost.Engine;
using Shopfloor.Server;

namespace Shopfloor.Migrations;

/// <summary>
/// Applies and reverts <see cref="Migration"/>s, recording each applied one in <c>schema_versions</c>
/// (<c>{_id: version, description, checksum, appliedAt, memos}</c>). Each migration runs in one engine transaction
/// together with its record, so a failure leaves neither half-migrated data nor a record claiming it ran (index
/// steps excepted: see <see cref="CreateIndexStep"/>).
/// </summary>
public sealed class MigrationRunner
{
    private readonly OutpostEngine _engine;
    private readonly Database _database;
    private readonly IReadOnlyList<Migration> _migrations;
    private readonly TimeProvider _time;

    public MigrationRunner(OutpostEngine engine, string databaseName, IReadOnlyList<Migration>? migrations = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _database = engine.GetDatabase(databaseName);
        _migrations = migrations ?? ShopfloorMigrations.All;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Every known migration with its state, ascending.</summary>
    public async Task<IReadOnlyList<MigrationStatus>> StatusAsync(CancellationToken cancellationToken = default)
    {
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<MigrationStatus>();
        foreach (var m in _migrations)
        {
            records.TryGetValue(m.Version, out var r);
            list.Add(new MigrationStatus(m.Version, m.Description, r is not null, r?["appliedAt"].AsDateTime.ToDateTime(), m.Checksum, r?["checksum"].AsString));
        }
        return list;
    }

    /// <summary>The highest applied version (0 when none).</summary>
    public async Task<int> CurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? 0 : records.Keys.Max();
    }

    /// <summary>Applies pending migrations up to <paramref name="target"/> (all when null); returns the versions applied.</summary>
    /// <exception cref="MongoException">BadValue (2) when an applied migration's definition changed.</exception>
    public async Task<IReadOnlyList<int>> UpAsync(int? target = null, CancellationToken cancellationToken = default)
    {
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var m in _migrations)
        {
            if (records.TryGetValue(m.Version, out var r) && r["checksum"].AsString != m.Checksum)
            {
                throw new MongoException(ErrorCodes.BadValue, $"migration {m.Version} changed since it was applied (checksum {r["checksum"].AsString[..12]}… now {m.Checksum[..12]}…); write a new migration instead");
            }
        }
        var applied = new List<int>();
        foreach (var m in _migrations)
        {
            if (records.ContainsKey(m.Version) || (target is { } t && m.Version > t))
            {
                continue;
            }
            await using var transaction = await _engine.StartTransactionAsync(new TransactionOptions(), cancellationToken).ConfigureAwait(false);
            var context = new MigrationContext(_database, transaction, []);
            var memos = new BsonArray();
            foreach (var step in m.Up)
            {
                memos.Add(await step.RunAsync(context, cancellationToken).ConfigureAwait(false));
            }
            var record = new BsonDocument
            {
                { "_id", m.Version },
                { "version", m.Version },
                { "description", m.Description },
                { "checksum", m.Checksum },
                { "appliedAt", _time.GetUtcNow().UtcDateTime },
                { "memos", memos },
            };
            (await _database.GetCollection(CollectionNames.SchemaVersions).InsertAsync([record], null, context.Operation, cancellationToken).ConfigureAwait(false)).ThrowOnError();
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(m.Version);
        }
        return applied;
    }

    /// <summary>Reverts applied migrations above <paramref name="target"/>, newest first; returns the versions reverted.</summary>
    public async Task<IReadOnlyList<int>> DownAsync(int target, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(target);
        var records = await RecordsAsync(cancellationToken).ConfigureAwait(false);
        var reverted = new List<int>();
        for (var i = _migrations.Count - 1; i >= 0; i--)
        {
            var m = _migrations[i];
            if (m.Version <= target || !records.TryGetValue(m.Version, out var record))
            {
                continue;
            }
            await using var transaction = await _engine.StartTransactionAsync(new TransactionOptions(), cancellationToken).ConfigureAwait(false);
            var context = new MigrationContext(_database, transaction, record.TryGetValue("memos", out var memos) ? memos.AsArray : []);
            foreach (var step in m.Down)
            {
                await step.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            (await _database.GetCollection(CollectionNames.SchemaVersions).DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", m.Version), Limit = 1 }],
                null, context.Operation, cancellationToken).ConfigureAwait(false)).ThrowOnError();
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            reverted.Add(m.Version);
        }
        return reverted;
    }

    private async Task<Dictionary<int, BsonDocument>> RecordsAsync(CancellationToken cancellationToken)
    {
        var records = new Dictionary<int, BsonDocument>();
        foreach (var r in await _database.GetCollection(CollectionNames.SchemaVersions).FindListAsync(new FindOptions(), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            records[(int)r["_id"].ToInt64()] = r;
        }
        return records;
    }
}
