using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Query;
using Outpost.Query.Updates;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Client.Local;

namespace Outpost.Client;

public sealed partial class OutpostClient
{
    private static BsonDocument Key(string collection, BsonValue id) => new() { { "c", collection }, { "i", id } };

    /// <summary>
    /// Runs a local write: <paramref name="body"/> computes (id, before, after) triples inside one local transaction;
    /// each becomes an operation in the outbox and the merged local view, all committed together.
    /// </summary>
    internal Task<int> WriteLocalAsync(string collection, Func<OperationContext, Task<List<(BsonValue Id, BsonDocument? Before, BsonDocument? After)>>> body, CancellationToken cancellationToken) =>
        LocalTransactionAsync(collection, async (context, record) =>
        {
            foreach (var (id, before, after) in await body(context).ConfigureAwait(false))
                await record(id, before, after).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// Applies many single-document updates in order, in one local transaction with one commit (one flush to disk
    /// instead of one per edit). Each update sees the ones before it; each change becomes its own outbox operation.
    /// </summary>
    internal Task<int> UpdateBatchLocalAsync(string collection, IReadOnlyList<(BsonDocument Filter, UpdatePlan Plan)> updates, CancellationToken cancellationToken)
    {
        var view = AppDatabase.GetCollection(collection);
        return LocalTransactionAsync(collection, async (context, record) =>
        {
            foreach (var (filter, plan) in updates)
            {
                // Reads inside the transaction see the views this batch already rewrote.
                var docs = await FindAsync(view, filter, context, cancellationToken, limit: 1).ConfigureAwait(false);
                if (docs.Count == 0) continue;
                var before = docs[0];
                var after = ApplyUpdate(plan, before);
                if (!after.TryGetValue("_id", out var newId) || BsonComparer.Instance.Compare(newId, before["_id"]) != 0)
                    throw new MongoException(ErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
                await record(before["_id"], before, after).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// One local write transaction: <paramref name="body"/> records each (id, before, after) change as the next outbox
    /// operation and its merged view; commits only when some change was recorded, then notifies and wakes sync.
    /// </summary>
    private async Task<int> LocalTransactionAsync(string collection, Func<OperationContext, Func<BsonValue, BsonDocument?, BsonDocument?, Task>, Task> body, CancellationToken cancellationToken)
    {
        var touched = new List<BsonValue>();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var context = new OperationContext { Transaction = txn };
            long sequence = _nextSequence;
            await body(context, async (id, before, after) =>
            {
                if (await RecordLocalWriteAsync(context, collection, id, before, after, sequence, cancellationToken).ConfigureAwait(false))
                {
                    sequence++;
                    touched.Add(id);
                }
            }).ConfigureAwait(false);
            if (sequence != _nextSequence)
            {
                await UpdateStateAsync(new BsonDocument("nextSeq", sequence), context, cancellationToken).ConfigureAwait(false);
                await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                _nextSequence = sequence;
            }
            else
            {
                await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
        RaiseChanged(collection, touched, remote: false);
        if (touched.Count > 0) WakeSync();
        return touched.Count;
    }

    private async Task<bool> RecordLocalWriteAsync(OperationContext context, string collection, BsonValue id, BsonDocument? before, BsonDocument? after, long sequence, CancellationToken cancellationToken)
    {
        var docs = SyncDb.GetCollection("docs");
        var record = (await FindAsync(docs, new BsonDocument("_id", Key(collection, id)), context, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        var meta = MetaOf(record, "lmeta") ?? MetaOf(record, "bmeta") ?? new SyncMetadata();
        var policy = PolicyOf(collection);
        List<FieldChange> changes;
        if (after is null)
        {
            if (before is null) return false;
            changes = [];
        }
        else if (before is null)
        {
            changes = [FieldChange.Set("", after)];
        }
        else
        {
            changes = ChangeDiff.Diff(policy, meta, before, after);
            if (changes.Count == 0) return false;
        }
        var op = new DocumentOperation(ClientId, sequence, collection, id, after is null, changes, Clock.Stamp());
        var state = new MergeState(before?.DeepClone() ?? new BsonDocument("_id", id), meta);
        try
        {
            new DocumentMerger(collection, policy).Apply(state, op);
        }
        catch (MergeRejectedException e)
        {
            throw new MongoException(ErrorCodes.BadValue, "this write cannot be synced: " + e.Message);
        }
        await WriteViewAsync(context, collection, id, ViewExists(state, before is not null || after is not null) ? state.Document : null, cancellationToken).ConfigureAwait(false);
        await UpsertRecordAsync(context, record, collection, id, set: new BsonDocument { { "lmeta", state.Metadata.ToBson() }, { "status", StatusName(SyncStatus.Pending) } }, cancellationToken).ConfigureAwait(false);
        await SyncDb.GetCollection("outbox").InsertAsync([new BsonDocument { { "_id", sequence }, { "c", collection }, { "i", id }, { "op", SyncCodec.Operation(op) } }], null, context, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static bool ViewExists(MergeState state, bool hadDocument) =>
        !state.Metadata.Deleted && (state.Exists || (hadDocument && state.Document.ElementCount > 1));

    private static SyncMetadata? MetaOf(BsonDocument? record, string field) =>
        record is not null && record.TryGetValue(field, out var m) && m is BsonDocument md ? SyncMetadata.FromBson(md) : null;

    internal static string StatusName(SyncStatus status) => status.ToString().ToLowerInvariant();

    private async Task WriteViewAsync(OperationContext context, string collection, BsonValue id, BsonDocument? document, CancellationToken cancellationToken)
    {
        var view = AppDatabase.GetCollection(collection);
        if (document is null)
        {
            await view.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 }], null, context, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var result = await view.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = document, Upsert = true }], null, context, cancellationToken).ConfigureAwait(false);
            if (result.HasErrors) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
        }
    }

    private async Task UpsertRecordAsync(OperationContext context, BsonDocument? record, string collection, BsonValue id, BsonDocument set, CancellationToken cancellationToken)
    {
        var docs = SyncDb.GetCollection("docs");
        if (record is null)
        {
            var doc = new BsonDocument("_id", Key(collection, id));
            foreach (var e in set) doc.Add(e.Name, e.Value);
            await docs.InsertAsync([doc], null, context, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await docs.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", Key(collection, id)), Update = new BsonDocument("$set", set) }], null, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The operations of one document still in the outbox, oldest first.</summary>
    private async Task<List<DocumentOperation>> PendingOpsAsync(OperationContext context, string collection, BsonValue id, CancellationToken cancellationToken)
    {
        var entries = await FindAsync(SyncDb.GetCollection("outbox"), new BsonDocument { { "c", collection }, { "i", id } }, context, cancellationToken, new BsonDocument("_id", 1)).ConfigureAwait(false);
        var ops = new List<DocumentOperation>(entries.Count);
        foreach (var e in entries) ops.Add(SyncCodec.Operation(e["op"], ClientId));
        return ops;
    }

    /// <summary>
    /// Stores server versions and rebases the local view of each document: view = server copy + pending operations,
    /// merged with the collection's policy. With nothing pending, the view is the server's bytes.
    /// </summary>
    /// <remarks>A caller that has read the records of every changed document in this transaction passes them as
    /// <c>known</c> (absent = no record; kept current with what is written here) and which of the documents have operations in
    /// the outbox as <c>knownPending</c>, so neither is read again.</remarks>
    private async Task ApplyServerDocumentsAsync(OperationContext context, IReadOnlyList<SyncChange> changes, Dictionary<string, List<BsonValue>> touched, CancellationToken cancellationToken,
        Dictionary<(string, BsonValue), BsonDocument>? known = null, HashSet<(string, BsonValue)>? knownPending = null)
    {
        // Within one batch only the last change of a document matters.
        var last = new Dictionary<(string, BsonValue), SyncChange>(new IdComparer());
        foreach (var change in changes) last[(change.Collection, change.Id)] = change;
        if (last.Count == 0) return;
        // Documents with no operation waiting (one indexed query tells) take the batched path; only the others are
        // rebased one by one. A push acknowledgement applies its versions while later batches still wait in the outbox.
        var pending = knownPending ?? await PendingKeysAsync(context, last.Keys, cancellationToken).ConfigureAwait(false);
        var quiet = new List<SyncChange>(last.Count);
        foreach (var (key, change) in last)
            if (!pending.Contains(key)) quiet.Add(change);
        if (quiet.Count > 0) await ApplyWithoutPendingAsync(context, quiet, touched, cancellationToken, known).ConfigureAwait(false);
        List<(string, BsonValue)>? rebased = null;
        foreach (var (key, change) in last)
        {
            if (!pending.Contains(key)) continue;
            var docs = SyncDb.GetCollection("docs");
            BsonDocument? record;
            if (known is not null) known.TryGetValue(key, out record);
            else record = (await FindAsync(docs, new BsonDocument("_id", Key(change.Collection, change.Id)), context, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            if (IsOlderThanHeld(record, change)) continue;
            var set = new BsonDocument();
            if (change.Position > 0) set.Add("pos", change.Position);
            if (change.Removed || change.Document is null)
            {
                set.Add("base", BsonNull.Value);
                set.Add("bmeta", BsonNull.Value);
            }
            else
            {
                set.Add("base", change.Document);
                set.Add("bmeta", (BsonValue?)change.Metadata ?? BsonNull.Value);
                ObserveStamps(change.Metadata);
            }
            await RebaseAsync(context, record, change.Collection, change.Id, change.Removed ? null : change.Document, change.Metadata, set, cancellationToken).ConfigureAwait(false);
            (rebased ??= []).Add(key);
            if (!touched.TryGetValue(change.Collection, out var ids)) touched[change.Collection] = ids = [];
            ids.Add(change.Id);
        }
        // Documents with pending operations are few (the rebase merges them one by one anyway): their records are read
        // back rather than their $set applied to the cached copy by hand.
        if (known is not null && rebased is not null)
        {
            foreach (var key in rebased) known.Remove(key);
            foreach (var (key, record) in await RecordsAsync(context, rebased, cancellationToken).ConfigureAwait(false)) known[key] = record;
        }
    }

    /// <summary>
    /// The common case (initial sync, a quiet device): nothing is pending, so every view is the server copy. Records are
    /// read with one query and views and records written with one batched call each — no per-document round trips.
    /// </summary>
    private async Task ApplyWithoutPendingAsync(OperationContext context, IEnumerable<SyncChange> changes, Dictionary<string, List<BsonValue>> touched, CancellationToken cancellationToken,
        Dictionary<(string, BsonValue), BsonDocument>? known = null)
    {
        var docs = SyncDb.GetCollection("docs");
        // A push acknowledgement has read these records already (one query for the whole reply).
        var existing = known ?? await RecordsAsync(context, changes.Select(c => (c.Collection, c.Id)), cancellationToken).ConfigureAwait(false);
        // Views that exist are replaced; new ones (every one of an initial sync) go through the bulk insert path, which
        // skips the per-statement filter compile, plan and lookup of an upsert.
        var views = new Dictionary<string, Dictionary<BsonValue, BsonDocument>>(StringComparer.Ordinal);
        var viewIds = new Dictionary<string, BsonArray>(StringComparer.Ordinal);
        // An acknowledgement (records known) applies the versions of this device's own edits: their views exist and
        // nearly always hold these very bytes, so they are not read back (a decode and a re-encode each) but passed to
        // ReplaceByIdAsync, whose point read and byte comparison leaves identical ones unwritten and stores the others.
        bool readViews = known is null;
        if (readViews)
            foreach (var change in changes)
                (viewIds.TryGetValue(change.Collection, out var list) ? list : viewIds[change.Collection] = []).Add(change.Id);
        foreach (var (collection, ids) in viewIds)
        {
            // Whole views, not just their ids: a device pulling back its own pushed edits usually holds the merged
            // result already, and comparing bytes here is far cheaper than rewriting the view.
            var present = new Dictionary<BsonValue, BsonDocument>(BsonComparer.Instance);
            await using var cursor = await AppDatabase.GetCollection(collection).FindAsync(new FindOptions { Filter = new BsonDocument("_id", new BsonDocument("$in", ids)) }, context, cancellationToken).ConfigureAwait(false);
            await foreach (var view in cursor.WithCancellation(cancellationToken).ConfigureAwait(false)) present[view["_id"]] = view;
            views[collection] = present;
        }
        var upserts = new Dictionary<string, List<BsonDocument>>(StringComparer.Ordinal);
        var inserts = new Dictionary<string, List<BsonDocument>>(StringComparer.Ordinal);
        var deletes = new Dictionary<string, List<DeleteStatement>>(StringComparer.Ordinal);
        var newRecords = new List<BsonDocument>();
        var replacedRecords = new List<BsonDocument>();
        foreach (var change in changes)
        {
            var key = Key(change.Collection, change.Id);
            bool removed = change.Removed || change.Document is null;
            existing.TryGetValue((change.Collection, change.Id), out var record);
            if (IsOlderThanHeld(record, change)) continue;
            BsonDocument? currentView = null;
            bool viewExists = !readViews || views[change.Collection].TryGetValue(change.Id, out currentView);
            if (removed)
            {
                // Without the views read, the delete runs whether or not the view exists (a no-op when it does not).
                if (viewExists) (deletes.TryGetValue(change.Collection, out var list) ? list : deletes[change.Collection] = []).Add(new DeleteStatement { Filter = new BsonDocument("_id", change.Id), Limit = 1 });
            }
            else
            {
                ObserveStamps(change.Metadata);
                if (record is not null && viewExists && SameServerCopy(record, change))
                {
                    // Already applied (a replayed batch). Unread views are still stored (a no-op when already identical).
                    if (!readViews) (upserts.TryGetValue(change.Collection, out var same) ? same : upserts[change.Collection] = []).Add(change.Document!);
                    continue;
                }
                if (!readViews)
                    (upserts.TryGetValue(change.Collection, out var list) ? list : upserts[change.Collection] = []).Add(change.Document!);
                else if (viewExists && SameBytes(currentView!, change.Document!))
                {
                    // The view is already this version (typically this device's own edit coming back): only the record moves.
                }
                else if (viewExists)
                    (upserts.TryGetValue(change.Collection, out var list) ? list : upserts[change.Collection] = []).Add(change.Document!);
                else
                    (inserts.TryGetValue(change.Collection, out var list) ? list : inserts[change.Collection] = []).Add(change.Document!);
            }
            string status = record is not null && record.TryGetValue("status", out var s) && s is BsonString ss && ss.Value is "failed" or "conflicted" ? ss.Value : StatusName(SyncStatus.Synced);
            var replacement = new BsonDocument
            {
                { "_id", key }, { "base", removed ? BsonNull.Value : change.Document! }, { "bmeta", removed ? BsonNull.Value : (BsonValue?)change.Metadata ?? BsonNull.Value },
                { "lmeta", BsonNull.Value }, { "status", status },
            };
            if (change.Position > 0) replacement.Add("pos", change.Position);
            (record is null ? newRecords : replacedRecords).Add(replacement);
            if (known is not null) known[(change.Collection, change.Id)] = replacement;
            if (!touched.TryGetValue(change.Collection, out var ids)) touched[change.Collection] = ids = [];
            ids.Add(change.Id);
        }
        foreach (var (collection, list) in inserts)
            ThrowOnErrors(await AppDatabase.GetCollection(collection).InsertAsync(list, null, context, cancellationToken).ConfigureAwait(false));
        foreach (var (collection, list) in upserts)
            await AppDatabase.GetCollection(collection).ReplaceByIdAsync(list, context, cancellationToken).ConfigureAwait(false);
        foreach (var (collection, list) in deletes)
            ThrowOnErrors(await AppDatabase.GetCollection(collection).DeleteAsync(list, null, context, cancellationToken).ConfigureAwait(false));
        // Records are stored by _id in one call (a point read and a write each), not as an upsert statement per record
        // (each compiled, planned and looked up alone) nor a multi-delete plus a bulk insert (two writes per record).
        if (replacedRecords.Count > 0) await docs.ReplaceByIdAsync(replacedRecords, context, cancellationToken).ConfigureAwait(false);
        if (newRecords.Count > 0) ThrowOnErrors(await docs.InsertAsync(newRecords, null, context, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Whether the record holds a server version from a later change-log position than <paramref name="change"/>: a
    /// push reply hands this device its documents' new versions before the pull reaches the log entries in between
    /// (whose echo it skips), and those older entries must not take the newer version back.
    /// </summary>
    private static bool IsOlderThanHeld(BsonDocument? record, SyncChange change) =>
        record is not null && change.Position > 0 && record.TryGetValue("pos", out var held) && held.IsNumeric && change.Position <= held.ToInt64();

    /// <summary>Whether a record already holds exactly this server version (bytes of document and metadata) with nothing local on top.</summary>
    private static bool SameServerCopy(BsonDocument record, SyncChange change)
    {
        if (!record.TryGetValue("base", out var b) || b is not BsonDocument stored) return false;
        if (record.TryGetValue("lmeta", out var l) && l is not BsonNull) return false;
        if (!record.TryGetValue("bmeta", out var m)) return false;
        BsonValue incomingMeta = (BsonValue?)change.Metadata ?? BsonNull.Value;
        if (m.Type != incomingMeta.Type) return false;
        if (m is BsonDocument md && !BsonSerializer.Serialize(md).AsSpan().SequenceEqual(BsonSerializer.Serialize((BsonDocument)incomingMeta))) return false;
        return BsonSerializer.Serialize(stored).AsSpan().SequenceEqual(BsonSerializer.Serialize(change.Document!));
    }

    private static bool SameBytes(BsonDocument a, BsonDocument b) =>
        BsonSerializer.Serialize(a).AsSpan().SequenceEqual(BsonSerializer.Serialize(b));

    private static void ThrowOnErrors(WriteResult result)
    {
        if (result.HasErrors) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
    }

    /// <summary>Recomputes the local view from a server copy and the pending operations, and writes record fields in <paramref name="set"/>.</summary>
    private async Task RebaseAsync(OperationContext context, BsonDocument? record, string collection, BsonValue id, BsonDocument? serverDocument, BsonDocument? serverMeta, BsonDocument set, CancellationToken cancellationToken)
    {
        var pending = await PendingOpsAsync(context, collection, id, cancellationToken).ConfigureAwait(false);
        BsonDocument? view;
        SyncMetadata? localMeta = null;
        if (pending.Count == 0)
        {
            view = serverDocument;
        }
        else
        {
            var meta = serverMeta is null ? new SyncMetadata() : SyncMetadata.FromBson(serverMeta);
            var state = new MergeState(serverDocument?.DeepClone() ?? new BsonDocument("_id", id), meta);
            var merger = new DocumentMerger(collection, PolicyOf(collection));
            foreach (var op in pending)
            {
                try
                {
                    merger.Apply(state, op);
                }
                catch (MergeRejectedException)
                {
                    // the server will reject it too; the view shows what it would accept
                }
            }
            view = ViewExists(state, serverDocument is not null) ? state.Document : null;
            localMeta = state.Metadata;
        }
        await WriteViewAsync(context, collection, id, view, cancellationToken).ConfigureAwait(false);
        set.Add("lmeta", (BsonValue?)localMeta?.ToBson() ?? BsonNull.Value);
        if (pending.Count == 0)
        {
            var status = record is not null && record.TryGetValue("status", out var s) && s is BsonString ss ? ss.Value : "synced";
            if (!set.Contains("status")) set.Add("status", status is "pending" or "syncing" ? StatusName(SyncStatus.Synced) : status);
        }
        await UpsertRecordAsync(context, record, collection, id, set, cancellationToken).ConfigureAwait(false);
    }

    private void ObserveStamps(BsonDocument? meta)
    {
        if (meta is not null && meta.TryGetValue("version", out var v) && v is BsonDocument vd && vd.TryGetValue("t", out var t))
            Clock.Observe(new Sync.Clock.HlcTimestamp(t.ToInt64()));
    }

    /// <summary>The sync status of one document (Synced when this device never changed it).</summary>
    internal async Task<SyncStatus> StatusAsync(string collection, BsonValue id, CancellationToken cancellationToken)
    {
        var record = (await FindAsync(SyncDb.GetCollection("docs"), new BsonDocument("_id", Key(collection, id)), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (record is null || !record.TryGetValue("status", out var s) || s is not BsonString ss) return SyncStatus.Synced;
        var status = Enum.Parse<SyncStatus>(ss.Value, ignoreCase: true);
        if (status is not (SyncStatus.Pending or SyncStatus.Syncing)) return status;
        if (IsInFlight(collection, id)) return SyncStatus.Syncing;
        // Acknowledgements leave a stored "pending" in place (rewriting every record's status cost a write per pushed
        // document); the outbox is the truth: once no operation of the document is left, all were accepted.
        var pending = await PendingKeysAsync(null, [(collection, id)], cancellationToken).ConfigureAwait(false);
        return pending.Count > 0 ? SyncStatus.Pending : SyncStatus.Synced;
    }

    /// <summary>The status string stored in a sync record, or null.</summary>
    private static string? StoredStatus(BsonDocument record) =>
        record.TryGetValue("status", out var s) && s is BsonString ss ? ss.Value : null;

    /// <summary>Operations waiting in the outbox.</summary>
    public Task<long> CountPendingAsync(CancellationToken cancellationToken = default) =>
        SyncDb.GetCollection("outbox").CountAsync(null, null, cancellationToken);

    /// <summary>The conflict log: merged concurrent writes, ones that need review, and rejected operations.</summary>
    public async Task<IReadOnlyList<ConflictEntry>> GetConflictsAsync(bool includeResolved = false, CancellationToken cancellationToken = default)
    {
        var filter = includeResolved ? new BsonDocument() : new BsonDocument("resolved", false);
        var docs = await FindAsync(SyncDb.GetCollection("conflicts"), filter, null, cancellationToken, new BsonDocument("_id", 1)).ConfigureAwait(false);
        var list = new List<ConflictEntry>(docs.Count);
        foreach (var d in docs)
        {
            list.Add(new ConflictEntry(d["_id"].AsObjectId, d["at"].AsDateTime.ToDateTime(), d["c"].AsString, d["i"],
                d.TryGetValue("conflict", out var c) && c is BsonDocument cd ? SyncCodec.Conflict(cd) : null,
                d.TryGetValue("reason", out var r) && r is BsonString rs ? rs.Value : null, d["resolved"].AsBoolean));
        }
        return list;
    }

    /// <summary>Marks a conflict entry handled (the app resolves a keep-both field by writing the chosen value).</summary>
    public async Task ResolveConflictAsync(ObjectId id, CancellationToken cancellationToken = default)
    {
        await SyncDb.GetCollection("conflicts").UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", new BsonDocument("resolved", true)) }], null, null, cancellationToken).ConfigureAwait(false);
    }

    internal static BsonDocument ApplyUpdate(UpdatePlan plan, BsonDocument document)
    {
        var result = plan.Apply(document.DeepClone());
        return result.Document;
    }

    internal static QueryFilter CompileFilter(BsonDocument filter) => QueryFilter.Compile(filter);

    private sealed class IdComparer : IEqualityComparer<(string, BsonValue)>
    {
        public bool Equals((string, BsonValue) x, (string, BsonValue) y) =>
            x.Item1 == y.Item1 && x.Item2.Type == y.Item2.Type && BsonComparer.Instance.Compare(x.Item2, y.Item2) == 0;

        public int GetHashCode((string, BsonValue) obj) => HashCode.Combine(obj.Item1, BsonComparer.Instance.GetHashCode(obj.Item2));
    }
}
