using Outpost.Bson;
using Outpost.Storage;

namespace Outpost.Engine;

/// <summary>
/// The database engine: catalog, write path, planner, transactions and change streams over one
/// <see cref="IStorageEngine"/>. Thread-safe; open one per storage.
/// </summary>
public sealed partial class OutpostEngine : IAsyncDisposable
{
    /// <summary>Opens the engine on <see cref="EngineOptions.Storage"/> or a SQLite file at <see cref="EngineOptions.SqlitePath"/>.</summary>
    public static Task<OutpostEngine> OpenAsync(EngineOptions options, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Opens (creating) a SQLite database file with default options.</summary>
    public static Task<OutpostEngine> OpenAsync(string sqlitePath, CancellationToken cancellationToken = default) =>
        OpenAsync(new EngineOptions { SqlitePath = sqlitePath }, cancellationToken);

    /// <summary>The storage the engine runs on.</summary>
    public IStorageEngine Storage => throw new NotImplementedException();

    /// <summary>The options the engine was opened with.</summary>
    public EngineOptions Options => throw new NotImplementedException();

    /// <summary>A database handle (databases exist while they hold a collection; the handle is cheap).</summary>
    public Database GetDatabase(string name) => throw new NotImplementedException();

    /// <summary>listDatabases: <c>{name, sizeOnDisk, empty}</c> per database that holds collections.</summary>
    public Task<IReadOnlyList<BsonDocument>> ListDatabasesAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Starts a multi-document transaction.</summary>
    public Task<EngineTransaction> StartTransactionAsync(TransactionOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Watches every database (a deployment-level change stream).</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>
    /// The current cluster time: a Timestamp whose increment is the last change-log position and whose seconds are
    /// the commit time (see docs/engine-api.md). Use it as operationTime/$clusterTime.
    /// </summary>
    public BsonTimestamp ClusterTime => throw new NotImplementedException();

    /// <summary>The cluster time of a change-log position.</summary>
    public static BsonTimestamp ClusterTimeOf(long logPosition, long commitTimeMs) =>
        new((uint)Math.Max(0, commitTimeMs / 1000), (uint)logPosition);

    /// <summary>Trims change-log entries older than the configured retention. Returns entries deleted.</summary>
    public Task<long> TrimChangeLogAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => throw new NotImplementedException();

    internal void OnCommitted(StorageCommitResult result) => throw new NotImplementedException();
}
