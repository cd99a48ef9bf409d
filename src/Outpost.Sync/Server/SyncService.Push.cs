using Outpost.Bson;
using Outpost.Engine;
using Outpost.Query;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    private const string Forbidden = "forbidden";

    /// <summary>
    /// <c>push</c>: applies the operations after the client's acknowledged sequence, in order, in one engine transaction
    /// together with the new acknowledged sequence — so an operation is applied exactly once however often it is sent.
    /// Write conflicts with concurrent pushes retry the whole batch.
    /// </summary>
    public async Task<PushResponse> PushAsync(SyncPrincipal principal, PushRequest request, CancellationToken cancellationToken)
    {
        ValidateClientId(request.ClientId);
        bool caughtUp = false;
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var reply = await PushOnceAsync(principal, request, stampUnknownForeignWrites: caughtUp, cancellationToken).ConfigureAwait(false);
                if (reply is not null) return reply;
                // The batch met versions written by another path that the stamper has not seen yet: stamp them from the
                // change log with their commit times, then merge again (once; what is still unknown then is stamped now).
                await CatchUpForeignWritesAsync(cancellationToken).ConfigureAwait(false);
                caughtUp = true;
            }
            catch (MongoException e) when (e.Code == ErrorCodes.WriteConflict && attempt < 50)
            {
                await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <returns>Null (and nothing written) when <paramref name="stampUnknownForeignWrites"/> is false and the batch met a
    /// foreign write whose commit time is not known yet.</returns>
    private async Task<PushResponse?> PushOnceAsync(SyncPrincipal principal, PushRequest request, bool stampUnknownForeignWrites, CancellationToken cancellationToken)
    {
        var clients = DataCollection(Options.ClientsCollection);
        // The push's change-log entries carry the client id and the push's first sequence in their session, so a pull
        // of this client can leave them out once it holds the versions this reply carries. The sequence is read before
        // the transaction starts (its session is fixed then) and checked inside it.
        var committed = (await FindAllAsync(clients, new BsonDocument("_id", request.ClientId), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        long echoSeq = (committed is null ? 0 : committed["acked"].ToInt64()) + 1;
        var session = new BsonDocument { { "id", SyncSession["id"] }, { "c", request.ClientId }, { "a", echoSeq } };
        await using var txn = await _engine.StartTransactionAsync(new TransactionOptions { Session = session }, cancellationToken).ConfigureAwait(false);
        var context = new OperationContext { Transaction = txn };
        var record = (await FindAllAsync(clients, new BsonDocument("_id", request.ClientId), context, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (record is not null && record["sub"].AsString != principal.Subject)
            throw SyncProtocolException.Forbidden("this client id belongs to another subject");
        long acked = record is null ? 0 : record["acked"].ToInt64();
        long ackedBefore = acked;
        if (acked + 1 != echoSeq) throw new MongoException(ErrorCodes.WriteConflict, "WriteConflict", "a concurrent push of the same client id"); // retried
        var results = new List<OperationResult>();
        var batch = new PushBatch(this, context, principal);
        await batch.PrefetchAsync(request.Operations, acked, cancellationToken).ConfigureAwait(false);
        foreach (var op in request.Operations)
        {
            if (op.Sequence <= acked)
            {
                results.Add(new OperationResult(op.Sequence, OperationStatus.Duplicate, null, [], Changed: false));
                continue;
            }
            if (op.Sequence != acked + 1) break; // a gap: the client resends from acked + 1
            acked = op.Sequence;
            results.Add(await batch.ApplyAsync(op, cancellationToken).ConfigureAwait(false));
        }
        if (batch.UnknownForeignWrites && !stampUnknownForeignWrites)
        {
            await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
            return null;
        }
        if (acked != ackedBefore)
        {
            await batch.WriteAsync(cancellationToken).ConfigureAwait(false);
            await clients.UpdateAsync([new UpdateStatement
            {
                Filter = new BsonDocument("_id", request.ClientId),
                Update = new BsonDocument { { "_id", request.ClientId }, { "sub", principal.Subject }, { "acked", acked } },
                Upsert = true,
            }], null, context, cancellationToken).ConfigureAwait(false);
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new PushResponse(request.ClientId, acked, Clock.Now().Value, results, txn.CommitLogPosition, echoSeq, batch.Versions());
        }
        await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
        return new PushResponse(request.ClientId, acked, Clock.Now().Value, results);
    }

    /// <summary>
    /// Stamps every document of the synced collections that was written by another path (wire protocol, REST, bulk
    /// loads) since sync last wrote it, as a whole-document write of the server. Pushes do this lazily per document;
    /// running it after a bulk load makes the loaded versions older than every device edit that follows.
    /// </summary>
    /// <returns>How many documents were stamped.</returns>
    public async Task<int> StampForeignWritesAsync(CancellationToken cancellationToken = default)
    {
        // Writes still in the change log get their commit times; what is older than the stamper's start is stamped now.
        int stamped = await CatchUpForeignWritesAsync(cancellationToken).ConfigureAwait(false);
        var system = new SyncPrincipal(Options.ServerNode, new Dictionary<string, BsonValue>());
        foreach (var rule in Options.Rules)
        {
            var ids = await FindAllAsync(DataCollection(rule.Collection), [], null, cancellationToken).ConfigureAwait(false);
            for (int start = 0; start < ids.Count; start += 500)
            {
                var chunk = ids.GetRange(start, Math.Min(500, ids.Count - start));
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        await using var txn = await _engine.StartTransactionAsync(SyncTransaction, cancellationToken).ConfigureAwait(false);
                        var batch = new PushBatch(this, new OperationContext { Transaction = txn }, system);
                        var keys = new List<(string, BsonValue)>(chunk.Count);
                        foreach (var doc in chunk) keys.Add((rule.Collection, doc["_id"]));
                        await batch.PrefetchAsync(keys, cancellationToken).ConfigureAwait(false);
                        int dirty = 0;
                        foreach (var doc in chunk)
                            if ((await batch.LoadAsync(rule.Collection, doc["_id"], cancellationToken).ConfigureAwait(false)).Dirty) dirty++;
                        await batch.WriteAsync(cancellationToken).ConfigureAwait(false);
                        await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
                        stamped += dirty;
                        break;
                    }
                    catch (MongoException e) when (e.Code == ErrorCodes.WriteConflict && attempt < 50)
                    {
                        await Task.Delay(Random.Shared.Next(1, 5 + attempt * 2), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        return stamped;
    }

    /// <summary>The documents one push touches, loaded once, merged in memory, written at the end.</summary>
    private sealed class PushBatch(SyncService service, OperationContext context, SyncPrincipal principal)
    {
        private readonly Dictionary<(string, BsonValue), Loaded> _states = new(new KeyComparer());
        private readonly Dictionary<string, QueryFilter?> _writeFilters = new(StringComparer.Ordinal);
        private readonly List<(string ClientId, ConflictRecord Conflict)> _review = [];

        /// <summary>Commit times (Unix ms) of foreign writes read from the change log, by document.</summary>
        public Dictionary<(string, BsonValue), long>? ForeignWriteTimes { get; init; }

        /// <summary>True once a foreign write was stamped with the current time because its commit time was not known.</summary>
        public bool UnknownForeignWrites { get; private set; }

        public sealed class Loaded(MergeState state, bool dirty)
        {
            public MergeState State { get; set; } = state;
            public bool Dirty { get; set; } = dirty;

            /// <summary>The written metadata as BSON (set by WriteAsync; the reply's version reuses it).</summary>
            public BsonDocument? MetadataBson { get; set; }
        }

        public async Task<OperationResult> ApplyAsync(DocumentOperation op, CancellationToken cancellationToken)
        {
            if (!service._rules.TryGetValue(op.Collection, out var rule) || rule.ReadOnly)
                return Reject(op, Forbidden);
            if (op.Stamp.Node != op.ClientId)
                return Reject(op, "stamp node must be the client id");
            if (!service.Clock.Observe(op.Stamp.Time))
                return Reject(op, "stamp too far ahead of the server clock");
            if (op.DocumentId is BsonArray or BsonRegularExpression or BsonUndefined)
                return Reject(op, "invalid _id");
            var writeFilter = WriteFilter(rule);
            if (writeFilter is null) return Reject(op, Forbidden);
            var loaded = await LoadAsync(op.Collection, op.DocumentId, cancellationToken).ConfigureAwait(false);
            var current = loaded.State;
            bool existed = current.Exists;
            if (existed && !writeFilter.Matches(current.Document)) return Reject(op, Forbidden);
            var candidate = current.Clone();
            MergeOutcome outcome;
            try
            {
                outcome = service._mergers[op.Collection].Apply(candidate, op);
            }
            catch (MergeRejectedException e)
            {
                return Reject(op, "unmergeable: " + e.Message);
            }
            bool exists = candidate.Exists;
            if (exists && !writeFilter.Matches(candidate.Document)) return Reject(op, Forbidden);
            if (!existed && exists && !rule.AllowInsert) return Reject(op, Forbidden);
            if (existed && !exists && !rule.AllowDelete) return Reject(op, Forbidden);
            if (rule.WritableFields is { } writable && !OnlyWritableChanged(rule, writable, existed ? current.Document : null, exists ? candidate.Document : null))
                return Reject(op, Forbidden);
            if (outcome.Changed)
            {
                loaded.State = candidate;
                loaded.Dirty = true;
            }
            foreach (var c in outcome.Conflicts)
                if (c.NeedsReview) _review.Add((op.ClientId, c));
            return new OperationResult(op.Sequence, OperationStatus.Applied, null, outcome.Conflicts, outcome.Changed);
        }

        private static OperationResult Reject(DocumentOperation op, string reason) => new(op.Sequence, OperationStatus.Rejected, reason, [], Changed: false);

        private QueryFilter? WriteFilter(CollectionSyncRule rule)
        {
            if (!_writeFilters.TryGetValue(rule.Collection, out var filter))
            {
                var bound = RuleTemplate.Bind(rule.WriteFilter ?? rule.ReadFilter, principal);
                filter = bound is null ? null : QueryFilter.Compile(bound);
                _writeFilters[rule.Collection] = filter;
            }
            return filter;
        }

        /// <summary>Top-level fields whose value differs between the versions must be writable (fields the write rule pins are allowed).</summary>
        private static bool OnlyWritableChanged(CollectionSyncRule rule, IReadOnlyList<string> writable, BsonDocument? before, BsonDocument? after)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            if (before is not null) foreach (var e in before) names.Add(e.Name);
            if (after is not null) foreach (var e in after) names.Add(e.Name);
            names.Remove("_id");
            foreach (var name in names)
            {
                BsonValue? a = null, b = null;
                before?.TryGetValue(name, out a);
                after?.TryGetValue(name, out b);
                bool same = a is not null && b is not null && BsonComparer.Instance.Compare(a, b) == 0 && a.Type == b.Type;
                if (same) continue;
                if (writable.Contains(name)) continue;
                if ((rule.WriteFilter ?? rule.ReadFilter).Contains(name)) continue;
                return false;
            }
            return true;
        }

        /// <summary>
        /// Reads the documents and metadata the operations after <paramref name="acked"/> touch with one <c>$in</c> query
        /// per collection (instead of two point queries per operation), for <see cref="LoadAsync"/> to use.
        /// </summary>
        public Task PrefetchAsync(IReadOnlyList<DocumentOperation> operations, long acked, CancellationToken cancellationToken)
        {
            var keys = new List<(string, BsonValue)>(operations.Count);
            foreach (var op in operations)
                if (op.Sequence > acked) keys.Add((op.Collection, op.DocumentId));
            return PrefetchAsync(keys, cancellationToken);
        }

        /// <summary>Reads the documents and metadata of <paramref name="keys"/> with one <c>$in</c> query per collection.</summary>
        public async Task PrefetchAsync(IEnumerable<(string Collection, BsonValue Id)> keys, CancellationToken cancellationToken)
        {
            var ids = new Dictionary<string, BsonArray>(StringComparer.Ordinal);
            foreach (var (collection, id) in keys)
            {
                if (!service._rules.ContainsKey(collection) || id is BsonArray or BsonRegularExpression or BsonUndefined) continue;
                if (!ids.TryGetValue(collection, out var list)) ids[collection] = list = [];
                list.Add(id);
                _prefetchedKeys.Add((collection, id));
            }
            if (ids.Count == 0) return;
            var metaKeys = new BsonArray();
            foreach (var (collection, list) in ids)
            {
                // Lookups compare like the point query did (1 finds 1.0), so the dictionaries use the BSON comparer.
                var docs = new Dictionary<BsonValue, BsonDocument>(BsonComparer.Instance);
                foreach (var doc in await FindAllAsync(service.DataCollection(collection), new BsonDocument("_id", new BsonDocument("$in", list)), context, cancellationToken).ConfigureAwait(false))
                    docs[doc["_id"]] = doc;
                _prefetchedDocs[collection] = docs;
                foreach (var id in list) metaKeys.Add(MetaKey(collection, id));
            }
            _prefetchedMetas = new Dictionary<BsonValue, BsonDocument>(BsonComparer.Instance);
            foreach (var meta in await FindAllAsync(service.DataCollection(service.Options.MetadataCollection), new BsonDocument("_id", new BsonDocument("$in", metaKeys)), context, cancellationToken).ConfigureAwait(false))
                _prefetchedMetas[meta["_id"]] = meta;
        }

        private readonly Dictionary<string, Dictionary<BsonValue, BsonDocument>> _prefetchedDocs = new(StringComparer.Ordinal);
        private Dictionary<BsonValue, BsonDocument>? _prefetchedMetas;
        private readonly HashSet<(string, BsonValue)> _prefetchedKeys = new(new KeyComparer());

        public async Task<Loaded> LoadAsync(string collection, BsonValue id, CancellationToken cancellationToken)
        {
            if (_states.TryGetValue((collection, id), out var loaded)) return loaded;
            BsonDocument? doc, metaDoc;
            if (_prefetchedDocs.TryGetValue(collection, out var prefetched) && _prefetchedMetas is not null && _prefetchedKeys.Contains((collection, id)))
            {
                prefetched.TryGetValue(id, out doc);
                _prefetchedMetas.TryGetValue(MetaKey(collection, id), out metaDoc);
            }
            else
            {
                var docs = await FindAllAsync(service.DataCollection(collection), new BsonDocument("_id", id), context, cancellationToken, limit: 1).ConfigureAwait(false);
                var metas = await FindAllAsync(service.DataCollection(service.Options.MetadataCollection), new BsonDocument("_id", MetaKey(collection, id)), context, cancellationToken, limit: 1).ConfigureAwait(false);
                doc = docs.Count > 0 ? docs[0] : null;
                metaDoc = metas.Count > 0 ? metas[0] : null;
            }
            var meta = metaDoc is null ? new SyncMetadata() : SyncMetadata.FromBson(metaDoc["m"].AsDocument);
            var state = new MergeState(new BsonDocument("_id", id), meta);
            bool dirty = false;
            var merger = service._mergers[collection];
            if (doc is not null)
            {
                var digest = metaDoc is not null && metaDoc.TryGetValue("h", out var h) && h is BsonString hs ? hs.Value : null;
                if (digest is not null && digest == Digest(doc))
                {
                    state = new MergeState(doc, meta);
                }
                else
                {
                    // Written by another path (wire protocol, REST) since sync last wrote it: stamp that version as a
                    // whole-document write of the server, so merges see it as the newest write.
                    merger.Apply(state, new DocumentOperation(service.Options.ServerNode, 0, collection, id, false, [FieldChange.Set("", doc)], ForeignStamp(collection, id, meta)));
                    dirty = true;
                }
            }
            else if (metaDoc is not null && state.Exists)
            {
                // Deleted by another path: record the delete as the server's.
                merger.Apply(state, new DocumentOperation(service.Options.ServerNode, 0, collection, id, true, [], ForeignStamp(collection, id, meta)));
                dirty = true;
            }
            loaded = new Loaded(state, dirty);
            _states[(collection, id)] = loaded;
            return loaded;
        }

        /// <summary>
        /// The written version of every document of this batch, as a pull would deliver it to the pushing client: the
        /// document and its metadata when it exists and matches the collection's read rule for the principal, a removal
        /// otherwise (the client narrows further by its own subscriptions).
        /// </summary>
        public List<SyncChange> Versions()
        {
            var versions = new List<SyncChange>();
            var readFilters = new Dictionary<string, QueryFilter?>(StringComparer.Ordinal);
            foreach (var ((collection, id), loaded) in _states)
            {
                if (!loaded.Dirty) continue;
                if (!readFilters.TryGetValue(collection, out var filter))
                {
                    var bound = RuleTemplate.Bind(service._rules[collection].ReadFilter, principal);
                    readFilters[collection] = filter = bound is null ? null : QueryFilter.Compile(bound);
                }
                var state = loaded.State;
                bool visible = state.Exists && filter is not null && filter.Matches(state.Document);
                versions.Add(visible
                    ? new SyncChange(collection, id, state.Document, loaded.MetadataBson ?? state.Metadata.ToBson(), false)
                    : new SyncChange(collection, id, null, null, true));
            }
            return versions;
        }

        /// <summary>
        /// The stamp of a write another path made: the HLC of its commit time when the change log told us, merged with
        /// the version it replaced (it saw that version, so it orders after it — as a server clock reading taken at the
        /// write would). Unknown commit times (written before the stamper's start) fall back to the current reading.
        /// </summary>
        private FieldStamp ForeignStamp(string collection, BsonValue id, SyncMetadata replaced)
        {
            if (ForeignWriteTimes is { } times && times.TryGetValue((collection, id), out var commitMs))
            {
                var time = new HlcTimestamp(commitMs, 0);
                if (replaced.Version is { } version && version.Time >= time)
                    time = version.Time.Counter == HlcTimestamp.MaxCounter ? new HlcTimestamp(version.Time.WallMilliseconds + 1, 0) : new HlcTimestamp(version.Time.WallMilliseconds, version.Time.Counter + 1);
                service.Clock.Observe(time);
                return new FieldStamp(time, service.Options.ServerNode);
            }
            UnknownForeignWrites = true;
            return service.Clock.Stamp();
        }

        public async Task WriteAsync(CancellationToken cancellationToken)
        {
            // Every written version is stored by _id (one point read + write each, one statement for the batch): the
            // batch knows the documents' _ids, so compiling a filter, an update and a plan per document was waste.
            var metaUpdates = new List<BsonDocument>();
            var byCollection = new Dictionary<string, (List<BsonDocument> Upserts, List<DeleteStatement> Deletes)>(StringComparer.Ordinal);
            foreach (var ((collection, id), loaded) in _states)
            {
                if (!loaded.Dirty) continue;
                if (!byCollection.TryGetValue(collection, out var writes)) byCollection[collection] = writes = ([], []);
                var state = loaded.State;
                loaded.MetadataBson = state.Metadata.ToBson();
                var metaDoc = new BsonDocument { { "_id", MetaKey(collection, id) }, { "m", loaded.MetadataBson } };
                if (state.Exists)
                {
                    writes.Upserts.Add(state.Document);
                    metaDoc.Add("h", Digest(state.Document));
                }
                else
                {
                    writes.Deletes.Add(new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 });
                }
                metaUpdates.Add(metaDoc);
            }
            foreach (var (collection, writes) in byCollection)
            {
                var target = service.DataCollection(collection);
                if (writes.Upserts.Count > 0) await target.ReplaceByIdAsync(writes.Upserts, context, cancellationToken).ConfigureAwait(false);
                if (writes.Deletes.Count > 0) ThrowOnErrors(await target.DeleteAsync(writes.Deletes, new DeleteOptions { Ordered = true }, context, cancellationToken).ConfigureAwait(false));
            }
            if (metaUpdates.Count > 0)
                await service.DataCollection(service.Options.MetadataCollection).ReplaceByIdAsync(metaUpdates, context, cancellationToken).ConfigureAwait(false);
            if (_review.Count > 0)
            {
                var docs = new List<BsonDocument>();
                foreach (var (clientId, conflict) in _review)
                    docs.Add(new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "at", DateTime.UtcNow }, { "clientId", clientId }, { "conflict", SyncCodec.Conflict(conflict) } });
                ThrowOnErrors(await service.DataCollection(service.Options.ConflictsCollection).InsertAsync(docs, null, context, cancellationToken).ConfigureAwait(false));
            }
        }

        private static void ThrowOnErrors(WriteResult result)
        {
            if (result.HasErrors)
            {
                var e = result.WriteErrors[0];
                throw new MongoException(e.Code, e.CodeName, e.Message);
            }
        }
    }

    private sealed class KeyComparer : IEqualityComparer<(string, BsonValue)>
    {
        public bool Equals((string, BsonValue) x, (string, BsonValue) y) =>
            x.Item1 == y.Item1 && x.Item2.Type == y.Item2.Type && BsonComparer.Instance.Compare(x.Item2, y.Item2) == 0;

        public int GetHashCode((string, BsonValue) obj) => HashCode.Combine(obj.Item1, BsonComparer.Instance.GetHashCode(obj.Item2));
    }
}
