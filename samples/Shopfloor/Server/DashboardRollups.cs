using Outpost.Bson;
using Outpost.Engine;

namespace Shopfloor.Server;

/// <summary>
/// The dashboard's pre-aggregated daily rollups (collection <see cref="CollectionName"/>, one document per
/// department and UTC day), maintained from the photos change stream so every write path counts — REST, device
/// sync, wire clients, bulk loads. Each change marks its bucket(s) dirty (the pre-image names the old bucket of an
/// update or delete) and dirty buckets are recomputed from the photos of that day, so replays and races cannot
/// double count; a batch that dirties more than a few hundred buckets (a bulk load) rebuilds them all from one scan.
/// On start the rollups are rebuilt from the photos; until then, and for ranges that do not fall on whole UTC days,
/// <see cref="DashboardService"/> runs the detailed facet instead.
/// </summary>
public sealed class DashboardRollups : IAsyncDisposable
{
    /// <summary>The rollup collection.</summary>
    public const string CollectionName = "dashboard_daily";

    // How long an empty change-stream read waits; also the longest a reader waits for writes it just made.
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);

    // Above this many dirty buckets in one batch the whole rollup set is rebuilt instead.
    private const int RebuildThreshold = 256;

    // Longest a pending rebuild waits for a burst of writes to end.
    private static readonly TimeSpan MaxRebuildDelay = TimeSpan.FromSeconds(5);

    private readonly OutpostEngine _engine;
    private readonly Collection _photos;
    private readonly Collection _rollups;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _swap = new(1, 1);
    private readonly List<TaskCompletionSource> _waiters = [];
    private Task? _loop;
    private volatile bool _ready;

    public DashboardRollups(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _engine = database.Engine;
        _photos = database.GetCollection(CollectionNames.Photos);
        _rollups = database.GetCollection(CollectionName);
    }

    /// <summary>True once the initial rebuild finished and the change stream is being followed.</summary>
    public bool IsReady => _ready;

    /// <summary>The last error of the maintenance loop (it rebuilds and carries on), for diagnostics.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Opens the change stream (so nothing written from now on is missed), then rebuilds and follows it in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _rollups.CreateIndexesAsync([new IndexModel { Keys = new BsonDocument { { "day", 1 }, { "departmentId", 1 } }, Name = "day_1_departmentId_1" }],
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var cursor = await OpenStreamAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => RunAsync(cursor, _stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// Completes when every photo write acknowledged before the call is reflected in the rollups (read-your-writes
    /// for the dashboard). False when the rollups are not ready (the caller computes on the fly).
    /// </summary>
    public async Task<bool> WaitForCatchUpAsync(CancellationToken cancellationToken = default)
    {
        if (!_ready || _loop is null || _loop.IsCompleted) return false;
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters) _waiters.Add(waiter);
        await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return _ready;
    }

    private Task<ChangeStreamCursor> OpenStreamAsync(CancellationToken cancellationToken) =>
        _photos.WatchAsync(null, new ChangeStreamOptions { FullDocument = "updateLookup", FullDocumentBeforeChange = "whenAvailable" }, cancellationToken: cancellationToken);

    private async Task RunAsync(ChangeStreamCursor cursor, CancellationToken stop)
    {
        bool rebuild = true;
        long rebuildWanted = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    List<TaskCompletionSource> waiting;
                    lock (_waiters)
                    {
                        waiting = [.. _waiters];
                        _waiters.Clear();
                    }
                    var batch = await cursor.NextBatchAsync(2000, PollInterval, cancellationToken: stop).ConfigureAwait(false);
                    if (batch.Count == 0)
                    {
                        // The log is drained: a pending rebuild now covers every event read so far, once.
                        if (rebuild)
                        {
                            await RebuildAsync(stop).ConfigureAwait(false);
                            rebuild = false;
                            _ready = true;
                        }
                        // Nothing left in the log when this read began: everything the waiters wrote is applied.
                        foreach (var w in waiting) w.TrySetResult();
                        continue;
                    }
                    lock (_waiters) _waiters.AddRange(waiting);
                    var dirty = new HashSet<(string Id, BsonValue Department, DateTime Day)>();
                    bool unknown = false;
                    foreach (var change in batch)
                    {
                        unknown |= !Collect(change, dirty);
                    }
                    if (cursor.IsExhausted)
                    {
                        await cursor.DisposeAsync().ConfigureAwait(false);
                        cursor = await OpenStreamAsync(stop).ConfigureAwait(false);
                        unknown = true;
                    }
                    // A bulk load dirties most buckets; one scan of the photos is then cheaper than a query per bucket.
                    if (!rebuild && (unknown || dirty.Count > RebuildThreshold))
                    {
                        rebuild = true;
                        rebuildWanted = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                    if (rebuild)
                    {
                        // Rebuild once the burst is drained (its events need no work of their own), or after a few
                        // seconds of continuous writes so the rollups do not fall behind forever.
                        if (System.Diagnostics.Stopwatch.GetElapsedTime(rebuildWanted) > MaxRebuildDelay)
                        {
                            await RebuildAsync(stop).ConfigureAwait(false);
                            rebuild = false;
                            _ready = true;
                        }
                        continue;
                    }
                    await RecomputeAsync(dirty, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }
                catch (ObjectDisposedException)
                {
                    // The engine closed under us (a host that did not dispose the services first).
                    break;
                }
                catch (Exception e) when (e is Outpost.MongoException or InvalidOperationException or IOException)
                {
                    LastError = e;
                    rebuild = true;
                    rebuildWanted = System.Diagnostics.Stopwatch.GetTimestamp();
                    await Task.Delay(500, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            _ready = false;
            lock (_waiters)
            {
                foreach (var w in _waiters) w.TrySetResult();
                _waiters.Clear();
            }
            await cursor.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Adds the buckets a change touches; false when it cannot tell (a full rebuild follows).</summary>
    private static bool Collect(BsonDocument change, HashSet<(string, BsonValue, DateTime)> dirty)
    {
        var op = change.TryGetValue("operationType", out var o) ? o.AsString : "";
        if (op is not ("insert" or "update" or "replace" or "delete")) return false;
        if (change.TryGetValue("fullDocument", out var after) && after is BsonDocument post) Mark(post, dirty);
        if (op == "insert") return true;
        if (change.TryGetValue("fullDocumentBeforeChange", out var before) && before is BsonDocument pre)
        {
            Mark(pre, dirty);
            return true;
        }
        return false;
    }

    private static void Mark(BsonDocument photo, HashSet<(string, BsonValue, DateTime)> dirty)
    {
        if (DailyRollup.TryKey(photo, out var department, out var day)) dirty.Add((DailyRollup.Id(department, day), department, day));
    }

    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var buckets = new Dictionary<string, DailyRollup>(StringComparer.Ordinal);
        var cursor = await _photos.FindAsync(new FindOptions { Projection = DailyRollup.PhotoProjection }, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (((IAsyncDisposable)cursor).ConfigureAwait(false))
        {
            while (!cursor.IsExhausted)
            {
                foreach (var photo in await cursor.NextBatchAsync(4096, cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (!DailyRollup.TryKey(photo, out var department, out var day)) continue;
                    var id = DailyRollup.Id(department, day);
                    if (!buckets.TryGetValue(id, out var bucket)) buckets[id] = bucket = new DailyRollup(department, day);
                    bucket.Add(photo);
                }
            }
        }
        var documents = new List<BsonDocument>(buckets.Count);
        foreach (var bucket in buckets.Values) documents.Add(bucket.ToDocument());
        // One delete and one multi-document insert (a statement per bucket would commit per bucket), in one transaction
        // that skips the flush to stable storage as recomputes do (derived data); readers also wait for the swap.
        await _swap.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                transaction.DeferDurability();
                var context = new OperationContext { Transaction = transaction };
                (await _rollups.DeleteAsync([new DeleteStatement { Filter = [] }], context: context, cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
                if (documents.Count > 0) (await _rollups.InsertAsync(documents, context: context, cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _swap.Release();
        }
    }

    /// <summary>
    /// Recomputes a batch's dirty buckets in one transaction. Rollups are derived data — a start-up rebuilds them from
    /// the photos — so the commit skips the flush to stable storage (it survives a process crash; a power loss can only
    /// lose rollup writes the next start recomputes anyway, and the next durable commit flushes it with it). A commit
    /// per bucket, each with its own fsync, competed with the photo writes for the single writer: 25 concurrent
    /// creates cost up to 25 extra synced commits.
    /// </summary>
    private async Task RecomputeAsync(HashSet<(string Id, BsonValue Department, DateTime Day)> dirty, CancellationToken cancellationToken)
    {
        if (dirty.Count == 0) return;
        var transaction = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            transaction.DeferDurability();
            var context = new OperationContext { Transaction = transaction };
            foreach (var (_, department, day) in dirty)
            {
                await RecomputeAsync(department, day, context, cancellationToken).ConfigureAwait(false);
            }
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RecomputeAsync(BsonValue department, DateTime day, OperationContext context, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument
        {
            { "departmentId", department },
            { "capturedAt", new BsonDocument { { "$gte", day }, { "$lt", day.AddDays(1) } } },
        };
        var bucket = new DailyRollup(department, day);
        foreach (var photo in await _photos.FindListAsync(new FindOptions { Filter = filter, Projection = DailyRollup.PhotoProjection }, context, cancellationToken).ConfigureAwait(false))
        {
            bucket.Add(photo);
        }
        var id = DailyRollup.Id(department, day);
        if (bucket.Count == 0)
        {
            (await _rollups.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 }], context: context, cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
        }
        else
        {
            (await _rollups.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = bucket.ToDocument(), Upsert = true }], context: context, cancellationToken: cancellationToken).ConfigureAwait(false)).ThrowOnError();
        }
    }

    /// <summary>The rollup documents of a department (or all) for the days from <paramref name="fromDay"/> to <paramref name="toDay"/> (inclusive; null = open).</summary>
    internal async Task<List<BsonDocument>> ReadAsync(string? departmentId, DateTime? fromDay, DateTime? toDay, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument();
        if (fromDay is not null || toDay is not null)
        {
            var range = new BsonDocument();
            if (fromDay is { } f) range.Add("$gte", f);
            if (toDay is { } t) range.Add("$lte", t);
            filter.Add("day", range);
        }
        if (departmentId is not null) filter.Add("departmentId", departmentId);
        await _swap.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _rollups.FindListAsync(new FindOptions { Filter = filter }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _swap.Release();
        }
    }

    /// <summary>Stops following the change stream.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
        _swap.Dispose();
    }
}
