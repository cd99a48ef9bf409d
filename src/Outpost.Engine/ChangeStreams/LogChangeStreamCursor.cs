using Outpost.Bson;
using Outpost.Engine.Query;
using Outpost.Storage;

namespace Outpost.Engine.ChangeStreams;

/// <summary>
/// A change stream reading the storage change log after a position, turning entries into MongoDB change events for
/// one collection, one database or everything, and filtering them through the stream's pipeline. An empty batch
/// waits on the storage wake-up (WaitForLog) up to maxAwaitTime.
/// </summary>
internal sealed class LogChangeStreamCursor : ChangeStreamCursor
{
    private static readonly TimeSpan DefaultAwait = TimeSpan.FromSeconds(1);
    private readonly OutpostEngine _engine;
    private readonly string? _database;
    private readonly string? _collection;
    private readonly ChangeStreamOptions _options;
    private readonly List<Func<BsonDocument, BsonDocument?>> _stages;
    private long _after;
    private bool _invalidatePending;
    private long _invalidatePosition;
    private bool _exhausted;

    public LogChangeStreamCursor(OutpostEngine engine, string? database, string? collection, ChangeStreamOptions options, List<Func<BsonDocument, BsonDocument?>> stages, long after)
    {
        _engine = engine;
        _database = database;
        _collection = collection;
        _options = options;
        _stages = stages;
        _after = after;
        Namespace = (database ?? "admin") + "." + (collection ?? "$cmd.aggregate");
    }

    public override string Namespace { get; }

    public override bool IsExhausted => _exhausted;

    public override BsonDocument PostBatchResumeToken => ResumeToken.Create(_after);

    public override async ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(int maxDocuments, TimeSpan? maxAwaitTime = null, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        var batch = new List<BsonDocument>();
        if (_exhausted) return batch;
        var deadline = DateTime.UtcNow + (maxAwaitTime ?? DefaultAwait);
        var limit = maxDocuments > 0 ? maxDocuments : 1000;
        while (true)
        {
            if (_invalidatePending)
            {
                batch.Add(Invalidate());
                return batch;
            }

            var entries = await _engine.Storage.ReadLogAsync(_after, Math.Max(limit, 16), cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                var record = BsonSerializer.Deserialize(entry.Data);
                _after = entry.Position;
                var change = await ToEventAsync(record, entry, cancellationToken).ConfigureAwait(false);
                if (change is not null)
                {
                    var output = ApplyStages(change);
                    if (output is not null) batch.Add(output);
                }

                if (_invalidatePending || batch.Count >= limit) break;
            }

            if (batch.Count > 0 || _invalidatePending) return batch.Count > 0 ? batch : await NextBatchAsync(maxDocuments, maxAwaitTime, maxBytes, cancellationToken).ConfigureAwait(false);
            if (entries.Count > 0) continue;
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) return batch;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(remaining);
            try
            {
                await _engine.Storage.WaitForLogAsync(_after, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return batch;
            }
        }
    }

    private BsonDocument Invalidate()
    {
        _invalidatePending = false;
        _exhausted = true;
        var token = ResumeToken.Create(_invalidatePosition, invalidate: true);
        return new BsonDocument
        {
            { "_id", token }, { "operationType", "invalidate" },
            { "clusterTime", OutpostEngine.ClusterTimeOf(_invalidatePosition, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) },
            { "wallTime", new BsonDateTime(DateTime.UtcNow) },
        };
    }

    private BsonDocument? ApplyStages(BsonDocument change)
    {
        BsonDocument? current = change;
        foreach (var stage in _stages)
        {
            current = stage(current);
            if (current is null) return null;
        }

        return current;
    }

    // As MongoDB, database- and deployment-wide streams leave out system collections (e.g. system.profile entries).
    private bool Watches(string db, string? coll) =>
        (_database is null || _database == db) && (_collection is null ? coll is null || !coll.StartsWith("system.", StringComparison.Ordinal) : _collection == coll);

    private async Task<BsonDocument?> ToEventAsync(BsonDocument record, StorageLogEntry entry, CancellationToken cancellationToken)
    {
        var op = record["op"].AsString;
        var db = record["db"].AsString;
        var coll = record.TryGetValue("coll", out var c) ? c.AsString : null;
        var isDocumentOp = op is "insert" or "update" or "replace" or "delete";
        if (op == "dropDatabase")
        {
            if (_database is null || _database != db) return _database is null ? Base(op, db, null, entry) : null;
            var ev = Base(op, db, null, entry);
            if (_collection is null) Invalidated(entry.Position);
            return _collection is null ? ev : null;
        }

        if (!Watches(db, coll))
        {
            // A rename into the watched namespace is not an event of this stream, as in MongoDB.
            return null;
        }

        if (!isDocumentOp && op is not ("drop" or "rename") && !_options.ShowExpandedEvents) return null;
        var change = Base(op, db, coll, entry);
        if (isDocumentOp)
        {
            var documentKey = new BsonDocument("_id", record["id"]);
            if (op is "insert" or "replace") change.Add("fullDocument", record["doc"]);
            else if (op == "update")
            {
                switch (_options.FullDocument)
                {
                    case "updateLookup":
                        change.Add("fullDocument", await LookupAsync(db, coll!, record["id"], cancellationToken).ConfigureAwait(false) ?? (BsonValue)BsonNull.Value);
                        break;
                    case "whenAvailable" or "required":
                        change.Add("fullDocument", record.TryGetValue("doc", out var post) ? post : BsonNull.Value);
                        break;
                }
            }

            change.Add("ns", new BsonDocument { { "db", db }, { "coll", coll! } });
            change.Add("documentKey", documentKey);
            if (op == "update") change.Add("updateDescription", record["upd"]);
            if (_options.FullDocumentBeforeChange is "whenAvailable" or "required" && op != "insert")
            {
                if (record.TryGetValue("pre", out var pre)) change.Add("fullDocumentBeforeChange", pre);
                else if (_options.FullDocumentBeforeChange == "required")
                    throw new MongoException(47, "NoMatchingDocument", "Change stream was configured to require a pre-image for all update, delete and replace events, but the pre-image was not available");
                else change.Add("fullDocumentBeforeChange", BsonNull.Value);
            }
        }
        else
        {
            change.Add("ns", new BsonDocument { { "db", db }, { "coll", coll! } });
            if (op == "rename") change.Add("to", record["to"]);
            if (_collection is not null && op is "drop" or "rename") Invalidated(entry.Position);
        }

        if (record.TryGetValue("lsid", out var lsid)) change.Add("lsid", lsid);
        if (record.TryGetValue("txn", out var txn)) change.Add("txnNumber", txn);
        return change;
    }

    private void Invalidated(long position)
    {
        _invalidatePending = true;
        _invalidatePosition = position;
    }

    private static BsonDocument Base(string op, string db, string? coll, StorageLogEntry entry)
    {
        var change = new BsonDocument
        {
            { "_id", ResumeToken.Create(entry.Position) }, { "operationType", op },
            { "clusterTime", OutpostEngine.ClusterTimeOf(entry.Position, entry.CommitTimeMs) },
            { "wallTime", new BsonDateTime(entry.CommitTimeMs) },
        };
        if (op == "dropDatabase") change.Add("ns", new BsonDocument("db", db));
        _ = coll;
        return change;
    }

    private async Task<BsonDocument?> LookupAsync(string db, string coll, BsonValue id, CancellationToken cancellationToken)
    {
        var state = _engine.Catalog.TryGet(db, coll);
        if (state is null) return null;
        await using var tx = await _engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        var bytes = await tx.GetAsync(state.Tree, _engine.Writer.EncodeId(id), cancellationToken).ConfigureAwait(false);
        return bytes is null ? null : BsonSerializer.Deserialize(bytes);
    }
}
