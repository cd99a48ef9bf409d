using Outpost.Bson;
using Outpost.Client.Policies;
using Outpost.Client.Transport;
using Outpost.Engine;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client;

/// <summary>
/// The device SDK: a full local database (the Outpost engine on SQLite) whose synced collections work offline, with
/// a durable outbox of operations, a sync loop (push, pull, live), per-document sync status, live queries and a
/// conflict log. Open with <see cref="OpenAsync"/>; every query runs locally.
/// </summary>
public sealed partial class OutpostClient : IAsyncDisposable
{
    internal const string SyncDatabase = "outpost_sync";
    private readonly ClientOptions _options;
    private readonly OutpostEngine _engine;
    private readonly ISyncTransport _transport;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, MergePolicy> _policies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SyncedCollection> _collections = new(StringComparer.Ordinal);
    private readonly Backoff _backoff;
    private readonly Random _random;
    private long _nextSequence;
    private long? _checkpoint;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private Task? _live;

    private OutpostClient(ClientOptions options, OutpostEngine engine, ISyncTransport transport, string clientId)
    {
        _options = options;
        _engine = engine;
        _transport = transport;
        ClientId = clientId;
        _random = options.RandomSeed is { } seed ? new Random(seed) : new Random();
        _backoff = new Backoff(options.BackoffInitial, options.BackoffMax, _random);
        Clock = new HybridLogicalClock(clientId, options.WallClock);
    }

    /// <summary>This device's client id (the node id of its stamps).</summary>
    public string ClientId { get; }

    /// <summary>The device's hybrid logical clock.</summary>
    public HybridLogicalClock Clock { get; }

    /// <summary>The local engine (for local-only collections and advanced queries).</summary>
    public OutpostEngine Engine => _engine;

    /// <summary>The change-log position applied so far (null before the initial snapshot completed).</summary>
    public long? Checkpoint
    {
        get { lock (_stop) return _checkpoint; }
        private set { lock (_stop) _checkpoint = value; }
    }

    /// <summary>Raised after local or remote changes are committed (live queries use it).</summary>
    public event EventHandler<DocumentsChangedEventArgs>? DocumentsChanged;

    /// <summary>Raised after each initial-snapshot page.</summary>
    public event EventHandler<InitialSyncProgress>? InitialSyncProgressChanged;

    /// <summary>Raised when a sync round fails (the loop backs off and retries).</summary>
    public event EventHandler<Exception>? SyncFailed;

    /// <summary>Raised after a sync round completes (outbox pushed, log pulled).</summary>
    public event EventHandler? SyncCompleted;

    /// <summary>Opens (creating when needed) the local database, runs schema migrations, and starts syncing if asked.</summary>
    public static async Task<OutpostClient> OpenAsync(ClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var transport = options.Transport ?? (options.ServerUri is { } uri ? new HttpSyncTransport(uri) : throw new ArgumentException("ServerUri or Transport is required"));
        var directory = Path.GetDirectoryName(Path.GetFullPath(options.DatabasePath));
        if (directory is not null) Directory.CreateDirectory(directory);
        var engine = await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = options.DatabasePath, ChangeLogMaxEntries = 10_000 }, cancellationToken).ConfigureAwait(false);
        try
        {
            var sync = engine.GetDatabase(SyncDatabase);
            var state = (await FindAsync(sync.GetCollection("state"), new BsonDocument("_id", "state"), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            string clientId = options.ClientId ?? (state?["clientId"].AsString) ?? ("dev-" + Guid.NewGuid().ToString("N"));
            if (state is not null && state["clientId"].AsString != clientId)
                throw new InvalidOperationException($"the local database belongs to client '{state["clientId"].AsString}'");
            var client = new OutpostClient(options, engine, transport, clientId);
            await client.InitializeAsync(state, cancellationToken).ConfigureAwait(false);
            if (options.StartSync) client.StartSync();
            return client;
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task InitializeAsync(BsonDocument? state, CancellationToken cancellationToken)
    {
        var sync = _engine.GetDatabase(SyncDatabase);
        if (state is null)
        {
            await sync.GetCollection("outbox").CreateIndexesAsync([IndexModel.FromDocument(new BsonDocument { { "key", new BsonDocument { { "c", 1 }, { "i", 1 } } }, { "name", "c_i" } })], null, cancellationToken).ConfigureAwait(false);
            state = new BsonDocument
            {
                { "_id", "state" }, { "clientId", ClientId }, { "nextSeq", 1L }, { "checkpoint", BsonNull.Value },
                { "schemaVersion", _options.SchemaVersion }, { "policies", new BsonArray() }, { "snapshots", new BsonDocument() },
            };
            await sync.GetCollection("state").InsertAsync([state], null, null, cancellationToken).ConfigureAwait(false);
        }
        _nextSequence = state["nextSeq"].ToInt64();
        if (state["checkpoint"] is not BsonNull) Checkpoint = state["checkpoint"].ToInt64();
        foreach (var p in state["policies"].AsArray)
            _policies[p.AsDocument["coll"].AsString] = SyncCodec.Policy(p.AsDocument["policy"].AsDocument);
        await MigrateAsync(state["schemaVersion"].ToInt64(), cancellationToken).ConfigureAwait(false);
    }

    private async Task MigrateAsync(long stored, CancellationToken cancellationToken)
    {
        if (stored > _options.SchemaVersion)
            throw new InvalidOperationException($"the local database has schema version {stored}, newer than this app's {_options.SchemaVersion}");
        for (long version = stored + 1; version <= _options.SchemaVersion; version++)
        {
            if (_options.Migrations.TryGetValue((int)version, out var migration))
                await migration(_engine.GetDatabase(_options.Database), cancellationToken).ConfigureAwait(false);
            // Each step is recorded as it completes, so a crash mid-way resumes at the failed step.
            await UpdateStateAsync(new BsonDocument("schemaVersion", version), null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The version of the local data layout.</summary>
    public async Task<int> GetSchemaVersionAsync(CancellationToken cancellationToken = default) =>
        (int)(await StateAsync(null, cancellationToken).ConfigureAwait(false))["schemaVersion"].ToInt64();

    /// <summary>A synced collection of the local database.</summary>
    public SyncedCollection Collection(string name)
    {
        lock (_collections)
        {
            if (!_collections.TryGetValue(name, out var collection))
                _collections[name] = collection = new SyncedCollection(this, name);
            return collection;
        }
    }

    internal Database AppDatabase => _engine.GetDatabase(_options.Database);

    internal Database SyncDb => _engine.GetDatabase(SyncDatabase);

    internal MergePolicy PolicyOf(string collection)
    {
        lock (_policies)
        {
            return _policies.TryGetValue(collection, out var p) ? p : FieldMergeDefault;
        }
    }

    private static readonly MergePolicy FieldMergeDefault = new();

    internal void RaiseChanged(string collection, IReadOnlyList<BsonValue> ids, bool remote)
    {
        if (ids.Count > 0) DocumentsChanged?.Invoke(this, new DocumentsChangedEventArgs(collection, ids, remote));
    }

    private async Task<BsonDocument> StateAsync(OperationContext? context, CancellationToken cancellationToken) =>
        (await FindAsync(SyncDb.GetCollection("state"), new BsonDocument("_id", "state"), context, cancellationToken).ConfigureAwait(false))[0];

    private async Task UpdateStateAsync(BsonDocument set, OperationContext? context, CancellationToken cancellationToken)
    {
        await SyncDb.GetCollection("state").UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "state"), Update = new BsonDocument("$set", set) }], null, context, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<List<BsonDocument>> FindAsync(Collection collection, BsonDocument filter, OperationContext? context, CancellationToken cancellationToken, BsonDocument? sort = null, long limit = 0)
    {
        await using var cursor = await collection.FindAsync(new FindOptions { Filter = filter, Sort = sort, Limit = limit }, context, cancellationToken).ConfigureAwait(false);
        return await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops syncing and closes the local database.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopSyncAsync().ConfigureAwait(false);
        await _engine.DisposeAsync().ConfigureAwait(false);
        if (_transport is IDisposable d && _options.Transport is null) d.Dispose();
        _stop.Dispose();
        _gate.Dispose();
    }
}
