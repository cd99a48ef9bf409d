using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Keys;
using Outpost.Engine.Query;
using Outpost.Engine.Writes;
using Outpost.Storage;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine;

/// <summary>
/// The database engine: catalog, write path, planner, transactions and change streams over one
/// <see cref="IStorageEngine"/>. Thread-safe; open one per storage.
/// </summary>
public sealed partial class OutpostEngine : IAsyncDisposable
{
    private readonly bool _ownsStorage;
    private int _disposed;
    private long _lastPosition;
    private long _lastCommitMs;
    private Ttl.TtlMonitor? _ttlMonitor;

    private OutpostEngine(IStorageEngine storage, EngineOptions options, bool ownsStorage)
    {
        Storage = storage;
        Options = options;
        _ownsStorage = ownsStorage;
        Encoder = BsonKeyEncoderAdapter.Instance;
        Catalog = new CatalogManager(storage, Encoder);

        // Every transaction that checks the catalog reads its version; on PostgreSQL that read rides with BEGIN.
        storage.PrefetchInSnapshots(StorageLayout.MetaTree, StorageLayout.CatalogVersionKey);
        Writer = new DocumentWriter(Encoder, options.LogDocumentChanges);
        Planner = new QueryPlanner(Encoder);
        Profiler = new Profiling.Profiler();
    }

    /// <summary>Per-database profiling settings and the system.profile writer.</summary>
    internal Profiling.Profiler Profiler { get; }

    internal IKeyEncoder Encoder { get; }

    internal CatalogManager Catalog { get; }

    internal DocumentWriter Writer { get; }

    internal QueryPlanner Planner { get; }

    /// <summary>Opens the engine on <see cref="EngineOptions.Storage"/> or a SQLite file at <see cref="EngineOptions.SqlitePath"/>.</summary>
    public static async Task<OutpostEngine> OpenAsync(EngineOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IStorageEngine storage;
        bool owns;
        if (options.Storage is not null)
        {
            storage = options.Storage;
            owns = options.OwnsStorage;
        }
        else if (!string.IsNullOrEmpty(options.SqlitePath))
        {
            storage = await SqliteStorageEngine.OpenAsync(options.SqlitePath, null, cancellationToken).ConfigureAwait(false);
            owns = true;
        }
        else
        {
            throw new ArgumentException("EngineOptions needs Storage or SqlitePath.", nameof(options));
        }

        var engine = new OutpostEngine(storage, options, owns);
        try
        {
            await engine.Catalog.LoadAsync(cancellationToken).ConfigureAwait(false);
            engine._lastPosition = await storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
            engine._lastCommitMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (options.TtlMonitorInterval is { } ttlInterval && ttlInterval > TimeSpan.Zero) engine._ttlMonitor = new Ttl.TtlMonitor(engine, ttlInterval);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return engine;
    }

    /// <summary>Opens (creating) a SQLite database file with default options.</summary>
    public static Task<OutpostEngine> OpenAsync(string sqlitePath, CancellationToken cancellationToken = default) =>
        OpenAsync(new EngineOptions { SqlitePath = sqlitePath }, cancellationToken);

    /// <summary>The storage the engine runs on.</summary>
    public IStorageEngine Storage { get; }

    /// <summary>The options the engine was opened with.</summary>
    public EngineOptions Options { get; }

    /// <summary>A database handle (databases exist while they hold a collection; the handle is cheap).</summary>
    public Database GetDatabase(string name)
    {
        Names.ValidateDatabase(name);
        return new Database(this, name);
    }

    /// <summary>listDatabases: <c>{name, sizeOnDisk, empty}</c> per database that holds collections.</summary>
    public Task<IReadOnlyList<BsonDocument>> ListDatabasesAsync(CancellationToken cancellationToken = default)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var state in Catalog.Collections.Values) names.Add(state.Database);
        var list = new List<BsonDocument>(names.Count);
        foreach (var name in names)
            list.Add(new BsonDocument { { "name", name }, { "sizeOnDisk", 0L }, { "empty", false } });
        return Task.FromResult<IReadOnlyList<BsonDocument>>(list);
    }

    /// <summary>Starts a multi-document transaction.</summary>
    public async Task<EngineTransaction> StartTransactionAsync(TransactionOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new TransactionOptions();
        var storage = await Storage.BeginAsync(StorageTransactionMode.ReadWrite, cancellationToken).ConfigureAwait(false);
        return new EngineTransaction(this, storage, options, options.LifetimeLimit ?? Options.TransactionLifetimeLimit);
    }

    /// <summary>Watches every database (a deployment-level change stream).</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        OpenChangeStreamAsync(null, null, pipeline, options, cancellationToken);

    /// <summary>
    /// The current cluster time: a Timestamp whose increment is the last change-log position and whose seconds are
    /// the commit time (see docs/engine-api.md). Use it as operationTime/$clusterTime.
    /// </summary>
    public BsonTimestamp ClusterTime => ClusterTimeOf(Interlocked.Read(ref _lastPosition), Interlocked.Read(ref _lastCommitMs));

    /// <summary>The cluster time of a change-log position.</summary>
    public static BsonTimestamp ClusterTimeOf(long logPosition, long commitTimeMs) =>
        new((uint)Math.Max(0, commitTimeMs / 1000), (uint)logPosition);

    /// <summary>Trims change-log entries older than the configured retention. Returns entries deleted.</summary>
    public async Task<long> TrimChangeLogAsync(CancellationToken cancellationToken = default)
    {
        var last = await Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        long before = 0;
        if (Options.ChangeLogMaxEntries is { } max) before = Math.Max(before, last - max + 1);
        if (Options.ChangeLogRetention is { } age)
        {
            var cutoff = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)age.TotalMilliseconds;
            var oldest = await Storage.GetOldestLogPositionAsync(cancellationToken).ConfigureAwait(false) ?? last + 1;
            var position = oldest - 1;
            while (position < last)
            {
                var batch = await Storage.ReadLogAsync(position, 1000, cancellationToken).ConfigureAwait(false);
                if (batch.Count == 0) break;
                var stop = false;
                foreach (var entry in batch)
                {
                    if (entry.CommitTimeMs >= cutoff)
                    {
                        stop = true;
                        break;
                    }

                    position = entry.Position;
                }

                if (stop) break;
            }

            before = Math.Max(before, position + 1);
        }

        return before <= 0 ? 0 : await Storage.TrimLogAsync(before, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return; // disposing twice is allowed, as IAsyncDisposable asks
        if (_ttlMonitor is not null) await _ttlMonitor.DisposeAsync().ConfigureAwait(false);
        if (_ownsStorage) await Storage.DisposeAsync().ConfigureAwait(false);
    }

    internal void OnCommitted(StorageCommitResult result)
    {
        if (!result.HasLogEntries) return;
        long current;
        do
        {
            current = Interlocked.Read(ref _lastPosition);
            if (result.LastLogPosition <= current) break;
        }
        while (Interlocked.CompareExchange(ref _lastPosition, result.LastLogPosition, current) != current);
        Interlocked.Exchange(ref _lastCommitMs, Math.Max(Interlocked.Read(ref _lastCommitMs), result.CommitTimeMs));
    }

    /// <summary>
    /// Runs one unit of writing: inside the context's transaction, or in its own storage transaction that is
    /// committed (and retried from scratch on a write conflict, as MongoDB retries WriteConflict internally).
    /// <paramref name="work"/> must have no effects outside the storage transaction.
    /// </summary>
    internal async Task<T> RunWriteAsync<T>(OperationContext context, Func<IStorageTransaction, Task<T>> work, CancellationToken cancellationToken, string? ns = null)
    {
        if (context.Transaction is { } txn)
        {
            await Catalog.Gate.EnterSharedAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await txn.RunAsync(tx => new ValueTask<T>(work(tx)), cancellationToken).ConfigureAwait(false);
                if (ns is not null) txn.RecordCollection(ns, Catalog.Collections.GetValueOrDefault(ns));
                return result;
            }
            finally
            {
                Catalog.Gate.ExitShared();
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            context.ThrowIfExpired();
            await Catalog.Gate.EnterSharedAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                T result;
                await using (var tx = await Storage.BeginAsync(StorageTransactionMode.ReadWrite, cancellationToken).ConfigureAwait(false))
                {
                    // Another node may have changed the catalog (new index, new collection) since we cached it.
                    if (!await Catalog.EnsureCurrentAsync(tx, cancellationToken).ConfigureAwait(false)) continue;
                    result = await work(tx).ConfigureAwait(false);
                    OnCommitted(await tx.CommitAsync(cancellationToken).ConfigureAwait(false));
                }

                return result;
            }
            catch (StorageWriteConflictException) when (attempt < Options.WriteConflictRetries)
            {
                Catalog.Gate.ExitShared();
                try
                {
                    // Randomized exponential backoff (capped) so contending writers spread out, as MongoDB backs off on WriteConflict.
                    await Task.Delay(Random.Shared.Next(0, 1 + Math.Min(50, 1 << Math.Min(attempt, 6))), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await Catalog.Gate.EnterSharedAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (StorageWriteConflictException ex)
            {
                throw EngineErrors.WriteConflict(ex);
            }
            finally
            {
                Catalog.Gate.ExitShared();
            }
        }
    }
}
