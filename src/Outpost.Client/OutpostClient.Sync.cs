using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Sync.Clock;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client;

public sealed partial class OutpostClient
{
    private bool _helloDone;

    /// <summary>
    /// One full sync round now: hello (once per session), initial snapshots still missing, push of the whole outbox,
    /// pull to the end of the change log. Throws <see cref="SyncTransportException"/> or
    /// <see cref="SyncProtocolException"/> on failure; everything done before the failure stays done.
    /// </summary>
    public async Task SyncNowAsync(CancellationToken cancellationToken = default)
    {
        if (!_helloDone) await HelloAsync(cancellationToken).ConfigureAwait(false);
        await SnapshotMissingAsync(cancellationToken).ConfigureAwait(false);
        await PushAsync(cancellationToken).ConfigureAwait(false);
        await PullAsync(cancellationToken).ConfigureAwait(false);
        SyncCompleted?.Invoke(this, EventArgs.Empty);
    }

    private async Task<BsonDocument> CallAsync(string endpoint, BsonDocument body, CancellationToken cancellationToken)
    {
        var token = _options.TokenProvider is null ? null : await _options.TokenProvider(cancellationToken).ConfigureAwait(false);
        var reply = await _transport.SendAsync(endpoint, body, token, cancellationToken).ConfigureAwait(false);
        var error = SyncProtocolException.FromBson(reply);
        if (error is not null)
        {
            if (error.HttpStatus == 410) await ForgetCheckpointAsync(cancellationToken).ConfigureAwait(false);
            throw error;
        }
        return reply;
    }

    private async Task HelloAsync(CancellationToken cancellationToken)
    {
        var reply = HelloResponse.FromBson(await CallAsync(SyncProtocol.Hello, new HelloRequest(ClientId).ToBson(), cancellationToken).ConfigureAwait(false));
        Clock.Observe(new HlcTimestamp(reply.ServerTime));
        var stored = new BsonArray();
        lock (_policies)
        {
            foreach (var c in reply.Collections)
            {
                _policies[c.Collection] = SyncCodec.Policy(c.Policy);
                stored.Add(new BsonDocument { { "coll", c.Collection }, { "policy", c.Policy } });
            }
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await UpdateStateAsync(new BsonDocument("policies", stored), null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        _helloDone = true;
    }

    /// <summary>The log is gone past our checkpoint: snapshot everything again (sweeping what the server no longer has).</summary>
    private async Task ForgetCheckpointAsync(CancellationToken cancellationToken)
    {
        await UpdateStateAsync(new BsonDocument { { "checkpoint", BsonNull.Value }, { "snapshots", new BsonDocument() } }, null, cancellationToken).ConfigureAwait(false);
        Checkpoint = null;
        _resnapshot = true;
    }

    private bool _resnapshot;

    private async Task SnapshotMissingAsync(CancellationToken cancellationToken)
    {
        var state = await StateAsync(null, cancellationToken).ConfigureAwait(false);
        var snapshots = state["snapshots"].AsDocument;
        var removed = new List<string>();
        foreach (var e in snapshots)
        {
            bool current = false;
            foreach (var sub in _options.Subscriptions) current |= sub.Name == e.Name;
            if (!current) removed.Add(e.Name);
        }
        if (removed.Count > 0) await DropUnsubscribedAsync(removed, cancellationToken).ConfigureAwait(false);
        foreach (var sub in _options.Subscriptions)
        {
            if (snapshots.TryGetValue(sub.Name, out var s) && s.AsDocument["done"].AsBoolean) continue;
            await SnapshotAsync(sub, s as BsonDocument, sweep: _resnapshot, cancellationToken).ConfigureAwait(false);
        }
        _resnapshot = false;
    }

    /// <summary>
    /// Pages a subscription's snapshot into the local database, storing the cursor after each page so a restart resumes.
    /// With <paramref name="sweep"/>, server copies the snapshot did not contain are removed afterwards (repair).
    /// </summary>
    private async Task SnapshotAsync(SyncSubscription sub, BsonDocument? progress, bool sweep, CancellationToken cancellationToken)
    {
        BsonDocument? cursor = progress is not null && progress.TryGetValue("cursor", out var c) && c is BsonDocument cd ? cd : null;
        long received = progress is not null && progress.TryGetValue("received", out var r) ? r.ToInt64() : 0;
        long? total = progress is not null && progress.TryGetValue("total", out var t) && t is not BsonNull ? t.ToInt64() : null;
        var seen = sweep ? new HashSet<BsonValue>(BsonComparer.Instance) : null;
        while (true)
        {
            var page = SnapshotResponse.FromBson(await CallAsync(SyncProtocol.Snapshot, new SnapshotRequest(sub, cursor, _options.PullBatchSize).ToBson(), cancellationToken).ConfigureAwait(false));
            total ??= page.Total;
            received += page.Documents.Count;
            if (seen is not null) foreach (var d in page.Documents) seen.Add(d.Id);
            bool done = page.Cursor is null;
            var touched = new Dictionary<string, List<BsonValue>>(StringComparer.Ordinal);
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var context = new OperationContext { Transaction = txn };
                // A lost page (power cut) is fetched again from the stored cursor.
                txn.DeferDurability();
                await ApplyServerDocumentsAsync(context, page.Documents, touched, cancellationToken).ConfigureAwait(false);
                if (done && seen is not null) await SweepAsync(context, sub, seen, touched, cancellationToken).ConfigureAwait(false);
                var set = new BsonDocument($"snapshots.{sub.Name}", new BsonDocument
                {
                    { "done", done }, { "cursor", (BsonValue?)page.Cursor ?? BsonNull.Value }, { "received", received }, { "total", total is { } tt ? tt : BsonNull.Value },
                });
                if (done)
                {
                    // Pull from the snapshot's position (or earlier, when other subscriptions are behind it): replays are idempotent.
                    long checkpoint = Checkpoint is { } cp ? Math.Min(cp, page.Position) : page.Position;
                    set.Add("checkpoint", checkpoint);
                    await UpdateStateAsync(set, context, cancellationToken).ConfigureAwait(false);
                    await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                    Checkpoint = checkpoint;
                }
                else
                {
                    await UpdateStateAsync(set, context, cancellationToken).ConfigureAwait(false);
                    await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _gate.Release();
            }
            foreach (var (collection, ids) in touched) RaiseChanged(collection, ids, remote: true);
            InitialSyncProgressChanged?.Invoke(this, new InitialSyncProgress(sub.Name, received, total, done));
            if (done) return;
            cursor = page.Cursor;
        }
    }

    /// <summary>
    /// Subscriptions this device had but no longer declares: their server copies leave the device, unless a current
    /// subscription still covers them or the document has local changes waiting to be pushed (those stay until pushed;
    /// the server's rules decide about them). The subscription's progress is forgotten, so adding it back re-snapshots it.
    /// </summary>
    private async Task DropUnsubscribedAsync(List<string> removed, CancellationToken cancellationToken)
    {
        var matchers = new Dictionary<string, List<Query.QueryFilter?>>(StringComparer.Ordinal);
        foreach (var sub in _options.Subscriptions)
            (matchers.TryGetValue(sub.Collection, out var list) ? list : matchers[sub.Collection] = []).Add(sub.Filter is { ElementCount: > 0 } f ? CompileFilter(f) : null);
        var touched = new Dictionary<string, List<BsonValue>>(StringComparer.Ordinal);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var context = new OperationContext { Transaction = txn };
            var records = await FindAsync(SyncDb.GetCollection("docs"), new BsonDocument("base", new BsonDocument("$ne", BsonNull.Value)), context, cancellationToken).ConfigureAwait(false);
            var uncovered = new List<(string, BsonValue)>();
            foreach (var record in records)
            {
                var key = record["_id"].AsDocument;
                string collection = key["c"].AsString;
                if (record["base"] is not BsonDocument b) continue;
                bool covered = false;
                if (matchers.TryGetValue(collection, out var list))
                    foreach (var matcher in list) covered |= matcher is null || matcher.Matches(b);
                if (!covered) uncovered.Add((collection, key["i"]));
            }
            var pending = await PendingKeysAsync(context, uncovered, cancellationToken).ConfigureAwait(false);
            var removals = new List<SyncChange>();
            foreach (var (collection, id) in uncovered)
                if (!pending.Contains((collection, id))) removals.Add(new SyncChange(collection, id, null, null, true));
            if (removals.Count > 0) await ApplyServerDocumentsAsync(context, removals, touched, cancellationToken).ConfigureAwait(false);
            var unset = new BsonDocument();
            foreach (var name in removed) unset.Add($"snapshots.{name}", "");
            await SyncDb.GetCollection("state").UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", "state"), Update = new BsonDocument("$unset", unset) }], null, context, cancellationToken).ConfigureAwait(false);
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
        foreach (var (collection, ids) in touched) RaiseChanged(collection, ids, remote: true);
    }

    private async Task SweepAsync(OperationContext context, SyncSubscription sub, HashSet<BsonValue> seen, Dictionary<string, List<BsonValue>> touched, CancellationToken cancellationToken)
    {
        var matcher = sub.Filter is { ElementCount: > 0 } f ? CompileFilter(f) : null;
        var records = await FindAsync(SyncDb.GetCollection("docs"), new BsonDocument { { "_id.c", sub.Collection }, { "base", new BsonDocument("$ne", BsonNull.Value) } }, context, cancellationToken).ConfigureAwait(false);
        var removals = new List<SyncChange>();
        foreach (var record in records)
        {
            var id = record["_id"].AsDocument["i"];
            if (seen.Contains(id)) continue;
            if (record["base"] is BsonDocument b && (matcher is null || matcher.Matches(b)))
                removals.Add(new SyncChange(sub.Collection, id, null, null, true));
        }
        if (removals.Count > 0) await ApplyServerDocumentsAsync(context, removals, touched, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pushes the whole outbox in batches, oldest first, and records acknowledgements, rejections and conflicts.
    /// Pipelined: batch n+1 is read and sent as soon as the reply to batch n arrived, while the device applies that reply
    /// (the server's durable write and the device's acknowledgement overlap instead of alternating). The server still
    /// sees one push of this client at a time, in sequence order — batch n+1 leaves only after batch n was committed —
    /// and acknowledgements are applied one after another in the order of their batches.
    /// </summary>
    private async Task PushAsync(CancellationToken cancellationToken)
    {
        var outbox = SyncDb.GetCollection("outbox");
        long sent = 0; // highest sequence the server acknowledged so far in this round (0: read the outbox from its start)
        Task? acknowledging = null;
        try
        {
            while (true)
            {
                // Operations after the last acknowledged one: the acknowledgement still running deletes only up to it.
                var filter = sent == 0 ? new BsonDocument() : new BsonDocument("_id", new BsonDocument("$gt", sent));
                var entries = await FindAsync(outbox, filter, null, cancellationToken, new BsonDocument("_id", 1), _options.PushBatchSize).ConfigureAwait(false);
                if (entries.Count == 0) break;
                var ops = new List<Sync.Merge.DocumentOperation>(entries.Count);
                foreach (var e in entries) ops.Add(SyncCodec.Operation(e["op"], ClientId));
                var keys = InFlightKeys(entries);
                MarkInFlight(keys, inFlight: true);
                PushResponse reply;
                try
                {
                    reply = PushResponse.FromBson(await CallAsync(SyncProtocol.Push, new PushRequest(ClientId, ops).ToBson(), cancellationToken).ConfigureAwait(false));
                    Clock.Observe(new HlcTimestamp(reply.ServerTime));
                }
                catch
                {
                    MarkInFlight(keys, inFlight: false);
                    throw;
                }
                // The previous batch's acknowledgement finishes before this one starts (they touch the same records).
                if (acknowledging is not null)
                {
                    var previous = acknowledging;
                    acknowledging = null;
                    try
                    {
                        await previous.ConfigureAwait(false);
                    }
                    catch
                    {
                        MarkInFlight(keys, inFlight: false);
                        throw;
                    }
                }
                if (reply.Acked < ops[0].Sequence)
                {
                    MarkInFlight(keys, inFlight: false);
                    throw new SyncTransportException($"server acknowledged {reply.Acked}, before our oldest pending operation {ops[0].Sequence}");
                }
                // On a pool thread: the local storage calls complete synchronously, so a plain call would run the whole
                // acknowledgement before the next batch leaves — no overlap at all.
                var acknowledged = reply;
                acknowledging = Task.Run(() => AcknowledgeAsync(acknowledged, keys, cancellationToken), CancellationToken.None);
                // Operations past the acknowledged one (the server stopped at a gap) are sent again with the next batch.
                sent = reply.Acked;
            }
        }
        catch
        {
            // The running acknowledgement ends before the round does; the first failure is the one reported (a failed
            // acknowledgement only means its operations are pushed again and answered as duplicates).
            if (acknowledging is not null)
            {
                try
                {
                    await acknowledging.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                }
            }
            throw;
        }
        if (acknowledging is not null) await acknowledging.ConfigureAwait(false);
    }

    private async Task AcknowledgeAsync(PushResponse reply, List<(string, BsonValue)> keys, CancellationToken cancellationToken)
    {
        try
        {
            await ApplyAcknowledgementAsync(reply, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            MarkInFlight(keys, inFlight: false);
        }
    }

    /// <summary>
    /// Documents whose pending operations are on the wire now, counted per batch (two batches in flight can name the
    /// same document). "Syncing" is a state of this process, not of the database: keeping it in memory saves a commit
    /// per push batch, and after a crash nothing is syncing anyway.
    /// </summary>
    private readonly Dictionary<(string, BsonValue), int> _inFlight = new(new IdComparer());

    private static List<(string, BsonValue)> InFlightKeys(List<BsonDocument> entries)
    {
        var keys = new HashSet<(string, BsonValue)>(new IdComparer());
        foreach (var e in entries) keys.Add((e["c"].AsString, e["i"]));
        return [.. keys];
    }

    private void MarkInFlight(List<(string, BsonValue)> keys, bool inFlight)
    {
        lock (_inFlight)
        {
            foreach (var key in keys)
            {
                if (inFlight) _inFlight[key] = _inFlight.TryGetValue(key, out var n) ? n + 1 : 1;
                else if (_inFlight.TryGetValue(key, out var n)) if (n > 1) _inFlight[key] = n - 1; else _inFlight.Remove(key);
            }
        }
    }

    internal bool IsInFlight(string collection, BsonValue id)
    {
        lock (_inFlight) return _inFlight.ContainsKey((collection, id));
    }

    private async Task ApplyAcknowledgementAsync(PushResponse reply, CancellationToken cancellationToken)
    {
        var touched = new List<(string, BsonValue)>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var context = new OperationContext { Transaction = txn };
            var outbox = SyncDb.GetCollection("outbox");
            var acked = await FindAsync(outbox, new BsonDocument("_id", new BsonDocument("$lte", reply.Acked)), context, cancellationToken).ConfigureAwait(false);
            var bySequence = new Dictionary<long, BsonDocument>();
            foreach (var e in acked) bySequence[e["_id"].ToInt64()] = e;
            await outbox.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", new BsonDocument("$lte", reply.Acked)) }], null, context, cancellationToken).ConfigureAwait(false);
            // The versions the push wrote, as of the reply's position: stored now, so the pull can skip this push's
            // echo. They go in before the statuses below, which then see the new server copies.
            var versionsTouched = new Dictionary<string, List<BsonValue>>(StringComparer.Ordinal);
            bool holdsEcho = reply.EchoSeq > 0 && reply.Versions is not null;
            var statuses = new Dictionary<(string, BsonValue), SyncStatus>(new IdComparer());
            var conflicts = new List<BsonDocument>();
            // Acknowledged writes that did not change the server's document (lost their merge, or applied in an earlier
            // push whose reply was lost) bring no new version through the log: the view is rebased on the server copy now.
            var rebase = new HashSet<(string, BsonValue)>(new IdComparer());
            foreach (var result in reply.Results)
            {
                if (!bySequence.TryGetValue(result.Sequence, out var entry)) continue; // duplicate of an op acknowledged before
                var key = (entry["c"].AsString, entry["i"]);
                if (!result.Changed) rebase.Add(key);
                foreach (var c in result.Conflicts)
                {
                    conflicts.Add(new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "at", DateTime.UtcNow }, { "c", key.Item1 }, { "i", key.Item2 }, { "conflict", SyncCodec.Conflict(c) }, { "resolved", !c.NeedsReview } });
                    if (c.NeedsReview) statuses[key] = SyncStatus.Conflicted;
                }
                if (result.Status == OperationStatus.Rejected)
                {
                    conflicts.Add(new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "at", DateTime.UtcNow }, { "c", key.Item1 }, { "i", key.Item2 }, { "reason", result.Reason ?? "rejected" }, { "resolved", false } });
                    statuses[key] = SyncStatus.Failed;
                }
                else if (!statuses.ContainsKey(key))
                {
                    statuses[key] = SyncStatus.Synced;
                }
            }
            // The records of every document the reply names, and which of them still have operations in the outbox, are
            // read once for the whole reply (one query each); applying the versions keeps the records current, so the
            // statuses below see the new server copies without reading them again.
            var replyKeys = new HashSet<(string, BsonValue)>(statuses.Keys, new IdComparer());
            if (holdsEcho)
                foreach (var version in reply.Versions!) replyKeys.Add((version.Collection, version.Id));
            var records = await RecordsAsync(context, replyKeys, cancellationToken).ConfigureAwait(false);
            var stillPending = await PendingKeysAsync(context, replyKeys, cancellationToken).ConfigureAwait(false);
            if (holdsEcho && reply.Versions!.Count > 0)
            {
                var (versions, complete) = VisibleVersions(reply, records);
                await ApplyServerDocumentsAsync(context, versions, versionsTouched, cancellationToken, records, stillPending).ConfigureAwait(false);
                holdsEcho = complete;
            }
            foreach (var (collection, ids) in versionsTouched)
                foreach (var id in ids) touched.Add((collection, id));
            if (conflicts.Count > 0) await SyncDb.GetCollection("conflicts").InsertAsync(conflicts, null, context, cancellationToken).ConfigureAwait(false);
            // Records and the operations still pending for these documents are read with one query each (not per
            // document), and plain status changes written with one batched update.
            var docs = SyncDb.GetCollection("docs");
            var statusUpdates = new Dictionary<SyncStatus, BsonArray>();
            foreach (var ((collection, id), status) in statuses)
            {
                records.TryGetValue((collection, id), out var record);
                bool pending = stillPending.Contains((collection, id));
                if (status == SyncStatus.Failed)
                {
                    // The server refused: show its version again (plus what is still pending).
                    var serverDoc = record is not null && record.TryGetValue("base", out var b) && b is BsonDocument bd ? bd : null;
                    var serverMeta = record is not null && record.TryGetValue("bmeta", out var m) && m is BsonDocument md ? md : null;
                    await RebaseAsync(context, record, collection, id, serverDoc, serverMeta, new BsonDocument("status", StatusName(SyncStatus.Failed)), cancellationToken).ConfigureAwait(false);
                    touched.Add((collection, id));
                }
                else if (rebase.Contains((collection, id)) && !pending)
                {
                    var serverDoc = record is not null && record.TryGetValue("base", out var b) && b is BsonDocument bd ? bd : null;
                    var serverMeta = record is not null && record.TryGetValue("bmeta", out var m) && m is BsonDocument md ? md : null;
                    await RebaseAsync(context, record, collection, id, serverDoc, serverMeta, new BsonDocument("status", StatusName(status)), cancellationToken).ConfigureAwait(false);
                    touched.Add((collection, id));
                }
                else if (status == SyncStatus.Conflicted || !pending)
                {
                    if (record is null)
                        await UpsertRecordAsync(context, record, collection, id, new BsonDocument("status", StatusName(status)), cancellationToken).ConfigureAwait(false);
                    else if (status == SyncStatus.Synced && StoredStatus(record) is "pending" or "syncing")
                        continue; // "pending" with an empty outbox reads as Synced (StatusAsync): no write per acknowledged document
                    else if (StoredStatus(record) == StatusName(status))
                        continue; // already stored (the reply's version was just written with it)
                    else
                        (statusUpdates.TryGetValue(status, out var keys) ? keys : statusUpdates[status] = []).Add(Key(collection, id));
                }
            }
            // One multi-document update per status: the engine compiles and plans once instead of per document.
            foreach (var (status, keys) in statusUpdates)
            {
                ThrowOnErrors(await docs.UpdateAsync([new UpdateStatement
                {
                    Filter = new BsonDocument("_id", new BsonDocument("$in", keys)), Update = new BsonDocument("$set", new BsonDocument("status", StatusName(status))), Multi = true,
                }], null, context, cancellationToken).ConfigureAwait(false));
            }
            // Losing this commit to a power cut only means pushing the same operations again, which the server answers
            // as duplicates. Conflict and rejection entries exist only in this reply, so those commits stay durable.
            if (conflicts.Count == 0) txn.DeferDurability();
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            // In memory only: after a restart the echo is pulled again, and the records' positions make it a no-op.
            if (holdsEcho) lock (_echoes) _echoes.Add((reply.EchoSeq, reply.Position));
        }
        finally
        {
            _gate.Release();
        }
        foreach (var (collection, id) in touched) RaiseChanged(collection, [id], remote: true);
    }

    /// <summary>Pushes whose versions this device holds (by their echo sequence), with the log position they are current at.</summary>
    private readonly List<(long Seq, long Position)> _echoes = [];

    /// <summary>
    /// The push reply's versions as this device's pull would have delivered them: a deleted document is a removal; one
    /// outside every subscription of its collection is a removal when the device holds a server copy of it (it left the
    /// subscriptions), and nothing otherwise (a write-only device keeps its own writes as they are).
    /// </summary>
    /// <returns>The changes, and whether they stand for the whole push: a version left out (outside the subscriptions,
    /// no server copy held) could still matter to the pull (an older entry of the document inside the subscriptions
    /// whose removal only the push's own entry carries), so then the pull gets the push's entries after all.</returns>
    /// <remarks><c>records</c> holds the records of the reply's documents, read by the caller.</remarks>
    private (List<SyncChange> Changes, bool Complete) VisibleVersions(PushResponse reply, Dictionary<(string, BsonValue), BsonDocument> records)
    {
        var matchers = new Dictionary<string, List<Query.QueryFilter?>>(StringComparer.Ordinal);
        foreach (var sub in _options.Subscriptions)
            (matchers.TryGetValue(sub.Collection, out var list) ? list : matchers[sub.Collection] = []).Add(sub.Filter is { ElementCount: > 0 } f ? CompileFilter(f) : null);
        var changes = new List<SyncChange>(reply.Versions!.Count);
        var hidden = new List<(string, BsonValue)>();
        foreach (var version in reply.Versions)
        {
            bool visible = false;
            if (!version.Removed && version.Document is { } doc && matchers.TryGetValue(version.Collection, out var list))
                foreach (var matcher in list) visible |= matcher is null || matcher.Matches(doc);
            if (visible) changes.Add(version with { Position = reply.Position });
            // Gone on the server (or outside the read rule): a removal with the reply's position, so that an older
            // entry of the document (say, its insert from a push whose reply was lost) cannot bring it back.
            else if (version.Removed) changes.Add(new SyncChange(version.Collection, version.Id, null, null, true, reply.Position));
            else hidden.Add((version.Collection, version.Id));
        }
        bool complete = true;
        if (hidden.Count > 0)
        {
            foreach (var (collection, id) in hidden)
            {
                if (records.TryGetValue((collection, id), out var record) && record.TryGetValue("base", out var b) && b is BsonDocument)
                    changes.Add(new SyncChange(collection, id, null, null, true, reply.Position));
                else
                    complete = false;
            }
        }
        return (changes, complete);
    }

    /// <summary>The sync records of these documents, read with one query.</summary>
    private async Task<Dictionary<(string, BsonValue), BsonDocument>> RecordsAsync(OperationContext context, IEnumerable<(string, BsonValue)> keys, CancellationToken cancellationToken)
    {
        var list = new BsonArray();
        foreach (var (collection, id) in keys) list.Add(Key(collection, id));
        var records = new Dictionary<(string, BsonValue), BsonDocument>(new IdComparer());
        if (list.Count == 0) return records;
        foreach (var record in await FindAsync(SyncDb.GetCollection("docs"), new BsonDocument("_id", new BsonDocument("$in", list)), context, cancellationToken).ConfigureAwait(false))
        {
            var key = record["_id"].AsDocument;
            records[(key["c"].AsString, key["i"])] = record;
        }
        return records;
    }

    /// <summary>Which of these documents still have operations in the outbox (one query per collection, on the c_i index).</summary>
    private async Task<HashSet<(string, BsonValue)>> PendingKeysAsync(OperationContext? context, IEnumerable<(string, BsonValue)> keys, CancellationToken cancellationToken)
    {
        var byCollection = new Dictionary<string, BsonArray>(StringComparer.Ordinal);
        foreach (var (collection, id) in keys)
        {
            if (!byCollection.TryGetValue(collection, out var ids)) byCollection[collection] = ids = [];
            ids.Add(id);
        }
        var pending = new HashSet<(string, BsonValue)>(new IdComparer());
        var outbox = SyncDb.GetCollection("outbox");
        foreach (var (collection, ids) in byCollection)
        {
            var filter = new BsonDocument { { "c", collection }, { "i", new BsonDocument("$in", ids) } };
            await using var cursor = await outbox.FindAsync(new FindOptions { Filter = filter, Projection = new BsonDocument { { "c", 1 }, { "i", 1 } } }, context, cancellationToken).ConfigureAwait(false);
            await foreach (var entry in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
                pending.Add((entry["c"].AsString, entry["i"]));
        }
        return pending;
    }

    /// <summary>Pulls change batches from the checkpoint until the server has nothing more.</summary>
    private async Task PullAsync(CancellationToken cancellationToken)
    {
        if (_options.Subscriptions.Count == 0) return;
        while (Checkpoint is { } checkpoint)
        {
            List<long>? echoes = null;
            lock (_echoes)
            {
                // Echoes the checkpoint has passed are behind us for good.
                _echoes.RemoveAll(e => e.Position <= checkpoint);
                if (_echoes.Count > 0) echoes = _echoes.ConvertAll(e => e.Seq);
            }
            var batch = ChangeBatch.FromBson(await CallAsync(SyncProtocol.Pull, new PullRequest(_options.Subscriptions, checkpoint, _options.PullBatchSize, ClientId, echoes).ToBson(), cancellationToken).ConfigureAwait(false));
            await ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false);
            if (!batch.More) return;
        }
    }

    /// <summary>Applies a change batch if it continues from our checkpoint (<c>from &lt;= checkpoint &lt; to</c>); returns false otherwise.</summary>
    internal async Task<bool> ApplyBatchAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        if (batch.ServerTime > 0) Clock.Observe(new HlcTimestamp(batch.ServerTime));
        var touched = new Dictionary<string, List<BsonValue>>(StringComparer.Ordinal);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Checkpoint is not { } checkpoint || batch.From > checkpoint || batch.To <= checkpoint) return false;
            await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var context = new OperationContext { Transaction = txn };
            await ApplyServerDocumentsAsync(context, batch.Changes, touched, cancellationToken).ConfigureAwait(false);
            await UpdateStateAsync(new BsonDocument("checkpoint", batch.To), context, cancellationToken).ConfigureAwait(false);
            // Server data and the checkpoint move together; after a power cut the batch is simply pulled again.
            txn.DeferDurability();
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            Checkpoint = batch.To;
        }
        finally
        {
            _gate.Release();
        }
        foreach (var (collection, ids) in touched) RaiseChanged(collection, ids, remote: true);
        return true;
    }

    /// <summary>
    /// Verifies every subscription against the server's checksums at the current checkpoint and re-snapshots the ones
    /// that differ. Returns true when all matched (before any repair).
    /// </summary>
    public async Task<bool> VerifyAsync(CancellationToken cancellationToken = default)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            await PullAsync(cancellationToken).ConfigureAwait(false);
            var reply = ChecksumResponse.FromBson(await CallAsync(SyncProtocol.Checksum, new ChecksumRequest(_options.Subscriptions).ToBson(), cancellationToken).ConfigureAwait(false));
            if (reply.Position < 0 || reply.Position != Checkpoint) continue; // the log moved: pull and ask again
            bool all = true;
            foreach (var sub in _options.Subscriptions)
            {
                var local = await LocalChecksumAsync(sub, cancellationToken).ConfigureAwait(false);
                var server = reply.Checksums.FirstOrDefault(c => c.Name == sub.Name);
                if (server is null || (server.Count == local.Count && server.Hash == local.Hash)) continue;
                all = false;
                await SnapshotAsync(sub, null, sweep: true, cancellationToken).ConfigureAwait(false);
            }
            if (!all) await PullAsync(cancellationToken).ConfigureAwait(false);
            return all;
        }
        throw new SyncTransportException("the server's change log kept moving; verification did not settle");
    }

    /// <summary>The checksum of this device's server copies in a subscription (what the server's checksum describes).</summary>
    public async Task<SubscriptionChecksum> LocalChecksumAsync(SyncSubscription subscription, CancellationToken cancellationToken = default)
    {
        var matcher = subscription.Filter is { ElementCount: > 0 } f ? CompileFilter(f) : null;
        var checksum = new ReplicaChecksum();
        var records = await FindAsync(SyncDb.GetCollection("docs"), new BsonDocument { { "_id.c", subscription.Collection }, { "base", new BsonDocument("$ne", BsonNull.Value) } }, null, cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            if (record["base"] is BsonDocument b && (matcher is null || matcher.Matches(b))) checksum.Add(BsonSerializer.Serialize(b));
        }
        return new SubscriptionChecksum(subscription.Name, checksum.Count, checksum.Hash);
    }
}
