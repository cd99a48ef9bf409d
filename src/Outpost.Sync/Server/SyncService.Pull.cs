using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;

namespace Outpost.Sync.Server;

public sealed partial class SyncService
{
    /// <summary>
    /// <c>pull</c>: reads up to <see cref="PullRequest.Limit"/> change-log entries after the checkpoint and keeps the
    /// ones a subscription matches (as upserts) or used to match (as removals). Pre- and post-images come from the log
    /// itself, so each change describes the document exactly at its position.
    /// </summary>
    public async Task<ChangeBatch> PullAsync(SyncPrincipal principal, PullRequest request, CancellationToken cancellationToken)
    {
        var subs = Bind(principal, request.Subscriptions);
        var echoes = request.ClientId is not null && request.Echoes is { Count: > 0 } e ? new HashSet<long>(e) : null;
        return await ReadBatchAsync(subs, request.Checkpoint, request.Limit, cancellationToken, request.ClientId, echoes).ConfigureAwait(false);
    }

    /// <summary>
    /// Up to <c>limit</c> log entries after <c>checkpoint</c> as the subscriptions see them. With <c>clientId</c> and
    /// <c>echoes</c>, entries of that client's pushes named there are left out: the client holds their versions from the
    /// push replies (and never lets an older version replace them).
    /// </summary>
    private async Task<ChangeBatch> ReadBatchAsync(List<BoundSubscription> subs, long checkpoint, int limit, CancellationToken cancellationToken,
        string? clientId = null, HashSet<long>? echoes = null)
    {
        if (checkpoint < 0) throw SyncProtocolException.BadValue("checkpoint must be >= 0");
        var oldest = await _engine.Storage.GetOldestLogPositionAsync(cancellationToken).ConfigureAwait(false);
        if (oldest is { } o && checkpoint < o - 1) throw SyncProtocolException.HistoryLost();
        long to = checkpoint;
        var changes = new List<SyncChange>();
        // Metadata is looked up once per batch for all upserted documents, not per change.
        var needMeta = new List<(int Index, string Collection, BsonValue Id)>();
        bool full;
        int scanned = 0;
        do
        {
            var entries = await _engine.Storage.ReadLogAsync(to, limit, cancellationToken).ConfigureAwait(false);
            full = entries.Count >= limit;
            scanned += entries.Count;
            ReadEntries(entries, subs, changes, needMeta, ref to, clientId, echoes);
        }
        // A device that just pushed thousands of operations holds their versions: its pull would otherwise come back
        // with one empty batch per `limit` echo entries (a round trip and a local commit each). While everything read
        // was left out, this pull reads on, up to EchoScanBatches reads.
        while (full && changes.Count == 0 && echoes is not null && scanned < limit * EchoScanBatches);
        if (needMeta.Count > 0)
        {
            var keys = new BsonArray();
            foreach (var (_, c, id) in needMeta) keys.Add(MetaKey(c, id));
            var metas = await FindAllAsync(DataCollection(Options.MetadataCollection), new BsonDocument("_id", new BsonDocument("$in", keys)), null, cancellationToken).ConfigureAwait(false);
            var byKey = new Dictionary<BsonValue, BsonDocument>(BsonComparer.Instance);
            foreach (var m in metas) byKey[m["_id"]] = m["m"].AsDocument;
            foreach (var (index, c, id) in needMeta)
            {
                if (byKey.TryGetValue(MetaKey(c, id), out var meta)) changes[index] = changes[index] with { Metadata = meta };
            }
        }
        return new ChangeBatch(checkpoint, to, full, Clock.Now().Value, changes);
    }

    /// <summary>Turns log entries into the changes the subscriptions see (echoes of <paramref name="clientId"/> left out); advances <paramref name="to"/>.</summary>
    private void ReadEntries(IReadOnlyList<Outpost.Storage.StorageLogEntry> entries, List<BoundSubscription> subs, List<SyncChange> changes, List<(int Index, string Collection, BsonValue Id)> needMeta,
        ref long to, string? clientId, HashSet<long>? echoes)
    {
        foreach (var entry in entries)
        {
            to = entry.Position;
            if (subs.Count == 0) continue;
            // Most entries are of other collections (sync's metadata beside every synced write): decided from the
            // header bytes, only the synced collections' entries are decoded.
            if (!ChangeLogEntryHeader.TryRead(entry.Data, DatabaseUtf8, NoId, out var header) || !_rules.ContainsKey(header.Collection)) continue;
            if (echoes is not null && header.Origin == clientId && echoes.Contains(header.OriginSeq)) continue;
            var record = BsonSerializer.Deserialize(entry.Data);
            var post = record.TryGetValue("doc", out var d) && d is BsonDocument dd ? dd : null;
            var pre = record.TryGetValue("pre", out var p) && p is BsonDocument pd ? pd : null;
            if (post is not null && AnyMatches(subs, header.Collection, post))
            {
                needMeta.Add((changes.Count, header.Collection, record["id"]));
                changes.Add(new SyncChange(header.Collection, record["id"], post, null, false, entry.Position));
            }
            else if (pre is not null && AnyMatches(subs, header.Collection, pre))
            {
                changes.Add(new SyncChange(header.Collection, record["id"], null, null, true, entry.Position));
            }
        }
    }

    /// <summary>How many reads of <c>limit</c> entries one pull may make while all it read were the device's echoes.</summary>
    private const int EchoScanBatches = 16;

    private static readonly Func<string, bool> NoId = _ => false;

    private static bool AnyMatches(List<BoundSubscription> subs, string collection, BsonDocument document)
    {
        foreach (var sub in subs)
        {
            if (sub.Collection == collection && sub.Matches(document)) return true;
        }
        return false;
    }

    /// <summary>
    /// <c>snapshot</c>: one page of a subscription in _id order. The first page fixes the position (read before the
    /// data, so the snapshot reflects at least that position; replaying the log from it is idempotent).
    /// </summary>
    public async Task<SnapshotResponse> SnapshotAsync(SyncPrincipal principal, SnapshotRequest request, CancellationToken cancellationToken)
    {
        var sub = Bind(principal, request.Subscription);
        long position;
        BsonValue? after = null;
        bool first = request.Cursor is null;
        if (request.Cursor is { } cursor)
        {
            position = SyncCodec.Int64(cursor, "position");
            if (cursor.TryGetValue("after", out var a)) after = a;
        }
        else
        {
            position = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!sub.CanMatch) return new SnapshotResponse([], null, position, first ? 0 : null);
        var filter = after is null ? sub.Filter! : new BsonDocument("$and", new BsonArray { sub.Filter!, After(after) });
        long? total = null;
        if (first)
        {
            total = await DataCollection(sub.Collection).CountAsync(new Engine.CountOptions { Filter = sub.Filter! }, null, cancellationToken).ConfigureAwait(false);
        }
        var docs = await FindAllAsync(DataCollection(sub.Collection), filter, null, cancellationToken, new BsonDocument("_id", 1), request.Limit).ConfigureAwait(false);
        var changes = new List<SyncChange>(docs.Count);
        var keys = new BsonArray();
        foreach (var doc in docs) keys.Add(MetaKey(sub.Collection, doc["_id"]));
        var byKey = new Dictionary<BsonValue, BsonDocument>(BsonComparer.Instance);
        if (docs.Count > 0)
        {
            foreach (var m in await FindAllAsync(DataCollection(Options.MetadataCollection), new BsonDocument("_id", new BsonDocument("$in", keys)), null, cancellationToken).ConfigureAwait(false))
                byKey[m["_id"]] = m["m"].AsDocument;
        }
        foreach (var doc in docs)
        {
            byKey.TryGetValue(MetaKey(sub.Collection, doc["_id"]), out var meta);
            changes.Add(new SyncChange(sub.Collection, doc["_id"], doc, meta, false));
        }
        BsonDocument? next = docs.Count < request.Limit ? null : new BsonDocument { { "position", position }, { "after", docs[^1]["_id"] } };
        return new SnapshotResponse(changes, next, position, total);
    }

    /// <summary>
    /// _ids after <paramref name="after"/> in sort order. <c>$gt</c> alone stays within one type bracket, so ids of the
    /// brackets that sort later (numbers &lt; strings &lt; documents &lt; binary &lt; ObjectId &lt; bool &lt; date &lt; timestamp) are added.
    /// </summary>
    private static BsonDocument After(BsonValue after)
    {
        string[][] brackets =
        [
            ["minKey"], ["null"], ["double", "int", "long", "decimal"], ["symbol", "string"], ["object"], ["binData"],
            ["objectId"], ["bool"], ["date"], ["timestamp"], ["maxKey"],
        ];
        string alias = after.Type switch
        {
            BsonType.MinKey => "minKey",
            BsonType.Null => "null",
            BsonType.Double or BsonType.Int32 or BsonType.Int64 or BsonType.Decimal128 => "double",
            BsonType.Symbol or BsonType.String => "string",
            BsonType.Document => "object",
            BsonType.Binary => "binData",
            BsonType.ObjectId => "objectId",
            BsonType.Boolean => "bool",
            BsonType.DateTime => "date",
            BsonType.Timestamp => "timestamp",
            _ => "maxKey",
        };
        var later = new BsonArray();
        bool found = false;
        foreach (var bracket in brackets)
        {
            if (found) foreach (var t in bracket) later.Add(t);
            else if (bracket.Contains(alias)) found = true;
        }
        var gt = new BsonDocument("_id", new BsonDocument("$gt", after));
        return later.Count == 0 ? gt : new BsonDocument("$or", new BsonArray { gt, new BsonDocument("_id", new BsonDocument("$type", later)) });
    }

    /// <summary>
    /// <c>checksum</c>: per-subscription checksums on a quiet snapshot — computed between two reads of the last log
    /// position that agree, so the checksums describe exactly that position.
    /// </summary>
    public async Task<ChecksumResponse> ChecksumAsync(SyncPrincipal principal, ChecksumRequest request, CancellationToken cancellationToken)
    {
        var subs = Bind(principal, request.Subscriptions);
        for (int attempt = 0; ; attempt++)
        {
            var before = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
            await using var txn = await _engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var context = new Engine.OperationContext { Transaction = txn };
            var results = new List<SubscriptionChecksum>(subs.Count);
            foreach (var sub in subs)
            {
                var checksum = new ReplicaChecksum();
                if (sub.CanMatch)
                {
                    await using var cursor = await DataCollection(sub.Collection).FindAsync(new Engine.FindOptions { Filter = sub.Filter! }, context, cancellationToken).ConfigureAwait(false);
                    await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
                        checksum.Add(BsonSerializer.Serialize(doc));
                }
                results.Add(new SubscriptionChecksum(sub.Name, checksum.Count, checksum.Hash));
            }
            await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
            var after = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
            if (after == before || attempt >= 5) return new ChecksumResponse(after == before ? before : -1, results);
        }
    }
}
