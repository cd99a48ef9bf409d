using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Bson.Keys;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Storage.Sqlite;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;

namespace Outpost.Sync.Snapshots;

/// <summary>
/// Fast first sync: builds a new client's subscribed data straight into a ready SQLite database in the client SDK's
/// local format (the same engine and storage the SDK opens), at a consistent change-log position, and serves it in
/// verified byte ranges. Paging the snapshot costs the client one local transaction per page and a merge/rebase per
/// document; the file costs it one download and a rename — the difference that makes a 100,000-document first sync
/// take seconds, not minutes.
/// </summary>
public sealed class SnapshotFileService : IAsyncDisposable
{
    private readonly SyncService _sync;
    private readonly string _directory;
    private readonly bool _ownsDirectory;
    private readonly ConcurrentDictionary<string, BuiltFile> _files = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _building = new(1, 1);

    /// <summary>Creates the service over the sync server's engine and rules.</summary>
    public SnapshotFileService(SyncService sync, SnapshotFileOptions? options = null)
    {
        _sync = sync;
        Options = options ?? new SnapshotFileOptions();
        _ownsDirectory = Options.Directory is null;
        _directory = Options.Directory ?? Path.Combine(Path.GetTempPath(), "outpost-snapshots", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>The configuration.</summary>
    public SnapshotFileOptions Options { get; }

    /// <summary>Serves one request (token + endpoint + body → reply body); protocol errors become error bodies.</summary>
    public async Task<BsonDocument> HandleAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await _sync.AuthenticateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
            if (!body.TryGetValue("v", out var v) || !v.IsNumeric || v.ToInt64() != SyncProtocol.Version)
                throw new SyncProtocolException(400, 2, "protocolVersion", $"this server speaks {SyncProtocol.Name}");
            switch (endpoint)
            {
                case SnapshotFileProtocol.Build:
                    var subs = new List<SyncSubscription>();
                    if (body.TryGetValue("subs", out var s) && s is BsonArray array)
                        foreach (var item in array) subs.Add(SyncSubscription.FromBson(item.AsDocument));
                    return (await BuildAsync(principal, SyncCodec.String(body, "clientId"), subs, SyncCodec.Int64(body, "schemaVersion", 1), cancellationToken).ConfigureAwait(false)).ToBson();
                case SnapshotFileProtocol.Read:
                    long offset = SyncCodec.Int64(body, "offset");
                    int length = (int)Math.Clamp(SyncCodec.Int64(body, "length", SnapshotFileProtocol.MaxReadBytes), 0, SnapshotFileProtocol.MaxReadBytes);
                    var data = await ReadAsync(principal, SyncCodec.String(body, "fileId"), offset, length, cancellationToken).ConfigureAwait(false);
                    return new BsonDocument { { "ok", 1 }, { "offset", offset }, { "data", new BsonBinary(data) } };
                default:
                    throw new SyncProtocolException(404, 59, "CommandNotFound", $"no sync endpoint '{endpoint}'");
            }
        }
        catch (SyncProtocolException e)
        {
            return e.ToBson();
        }
        catch (MongoException e)
        {
            return new SyncProtocolException(400, e.Code, e.CodeName, e.Message).ToBson();
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
        {
            return SyncProtocolException.BadValue(e.Message).ToBson();
        }
    }

    /// <summary>
    /// Builds the file for <paramref name="clientId"/>: its subscriptions' documents (with their merge metadata) as
    /// server copies and local views, a client state whose checkpoint is the position read before the data (the data
    /// reflects at least that position; replaying the log from it is idempotent), every subscription marked done.
    /// </summary>
    public async Task<SnapshotFileInfo> BuildAsync(SyncPrincipal principal, string clientId, IReadOnlyList<SyncSubscription> subscriptions, long schemaVersion, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 128 || clientId == "server")
            throw SyncProtocolException.BadValue("clientId must be 1..128 characters and not reserved");
        var bound = _sync.BindSubscriptions(principal, subscriptions);
        var key = CacheKey(bound);
        // One build at a time: clients arriving together wait for the build in progress and then share its file.
        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            RemoveExpired();
            var reuseAfter = DateTime.UtcNow - Options.ReuseFor;
            foreach (var (_, file) in _files)
            {
                if (file.Key == key && file.Created >= reuseAfter)
                {
                    lock (file.Subjects) file.Subjects.Add(principal.Subject);
                    return file.Info;
                }
            }
            var info = await BuildFileAsync(bound, key, principal.Subject, schemaVersion, cancellationToken).ConfigureAwait(false);
            return info;
        }
        finally
        {
            _building.Release();
        }
    }

    /// <summary>Two principals whose subscriptions bind to the same filters may see exactly the same documents.</summary>
    private static string CacheKey(List<BoundSubscription> bound)
    {
        var array = new BsonArray();
        foreach (var sub in bound)
            array.Add(new BsonDocument { { "name", sub.Name }, { "coll", sub.Collection }, { "filter", (BsonValue?)sub.Filter ?? BsonNull.Value } });
        return Convert.ToHexString(SHA256.HashData(BsonSerializer.Serialize(new BsonDocument("subs", array))));
    }

    private async Task<SnapshotFileInfo> BuildFileAsync(List<BoundSubscription> bound, string key, string subject, long schemaVersion, CancellationToken cancellationToken)
    {
        var fileId = Guid.NewGuid().ToString("N");
        var path = Path.Combine(_directory, fileId + ".db");
        var engine = _sync.Engine;
        long position = await engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        long documents = 0;
        try
        {
            // 1. The engine makes the file's schema and catalog: the views' collections, the records, the state and the
            // outbox with its index. The rows themselves are written below at storage level, which costs a fraction of
            // an engine insert per document (no per-document prepare, write buffer, or commit batches; no journal).
            var trees = new Dictionary<string, long>(StringComparer.Ordinal);
            long recordTree, stateTree;
            var storage = await SqliteStorageEngine.OpenAsync(path, new SqliteStorageOptions { Synchronous = SqliteSynchronousMode.Normal }, cancellationToken).ConfigureAwait(false);
            await using (var target = await OutpostEngine.OpenAsync(new EngineOptions { Storage = storage, OwnsStorage = true, ChangeLogMaxEntries = 1, LogDocumentChanges = false, TtlMonitorInterval = null }, cancellationToken).ConfigureAwait(false))
            {
                var app = target.GetDatabase(_sync.Options.Database);
                var sync = target.GetDatabase(SnapshotFileProtocol.SyncDatabase);
                foreach (var sub in bound)
                {
                    if (!sub.CanMatch || trees.ContainsKey(sub.Collection)) continue;
                    await app.CreateCollectionAsync(sub.Collection, null, null, cancellationToken).ConfigureAwait(false);
                    trees[sub.Collection] = BulkTree(app.GetCollection(sub.Collection));
                }
                await sync.CreateCollectionAsync(SnapshotFileProtocol.DocsCollection, null, null, cancellationToken).ConfigureAwait(false);
                recordTree = BulkTree(sync.GetCollection(SnapshotFileProtocol.DocsCollection));
                await sync.CreateCollectionAsync(SnapshotFileProtocol.StateCollection, null, null, cancellationToken).ConfigureAwait(false);
                stateTree = BulkTree(sync.GetCollection(SnapshotFileProtocol.StateCollection));
                await sync.GetCollection(SnapshotFileProtocol.OutboxCollection).CreateIndexesAsync(
                    [IndexModel.FromDocument(new BsonDocument { { "key", new BsonDocument { { "c", 1 }, { "i", 1 } } }, { "name", "c_i" } })], null, cancellationToken).ConfigureAwait(false);
                // The file's engine writes no document change log (the client never reads the file's log); the DDL entries go.
                await target.TrimChangeLogAsync(cancellationToken).ConfigureAwait(false);
            }

            // 2. Disposing the engine closed the file (its WAL checkpointed); the loader fills it in one unjournaled transaction.
            using (var loader = SqliteBulkLoader.Open(path))
            {
                var snapshots = new BsonDocument();
                var pipe = new SnapshotRowPipe(loader, cancellationToken);
                try
                {
                    // One read transaction: every subscription sees the same state of the server.
                    await using (var txn = await engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                    {
                        var context = new OperationContext { Transaction = txn };
                        var written = new Dictionary<string, HashSet<BsonValue>>(StringComparer.Ordinal);
                        foreach (var sub in bound)
                        {
                            long count = sub.CanMatch
                                ? await CopySubscriptionAsync(sub, bound, context, pipe, trees[sub.Collection], recordTree, written, cancellationToken).ConfigureAwait(false)
                                : 0;
                            documents += count;
                            snapshots[sub.Name] = new BsonDocument { { "done", true }, { "cursor", BsonNull.Value }, { "received", count }, { "total", count } };
                        }
                        await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
                    }
                    await pipe.CompleteAsync(cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    await pipe.AbandonAsync().ConfigureAwait(false);
                    throw;
                }
                var policies = new BsonArray();
                foreach (var rule in _sync.Options.Rules) policies.Add(new BsonDocument { { "coll", rule.Collection }, { "policy", SyncCodec.Policy(rule.Policy) } });
                // clientId is left for the client to fill in: the same file serves every client with the same subscriptions.
                var state = new BsonDocument
                {
                    { "_id", "state" }, { "clientId", BsonNull.Value }, { "nextSeq", 1L }, { "checkpoint", position },
                    { "schemaVersion", schemaVersion }, { "policies", policies }, { "snapshots", snapshots },
                };
                loader.Insert(stateTree, BsonKeyEncoder.Encode(state["_id"]), BsonSerializer.Serialize(state));
                loader.Commit();
            }
            var (length, sha256) = await HashFileAsync(path, cancellationToken).ConfigureAwait(false);
            var info = new SnapshotFileInfo(fileId, length, sha256, position, documents);
            _files[fileId] = new BuiltFile(path, key, [subject], DateTime.UtcNow, info);
            return info;
        }
        catch
        {
            DeleteQuietly(path);
            throw;
        }
    }

    /// <summary>The metadata whose key is <paramref name="key"/>: the next one in order when keys ascend, else a binary search.</summary>
    private static BsonDocument? FindMetadata(List<(byte[] Key, BsonDocument Meta)> metas, ReadOnlySpan<byte> key, ref int next)
    {
        if (next < metas.Count)
        {
            int c = key.SequenceCompareTo(metas[next].Key);
            if (c == 0) return metas[next++].Meta;
            if (c < 0 && (next == 0 || key.SequenceCompareTo(metas[next - 1].Key) > 0)) return null; // between two: none
        }
        int lo = 0, hi = metas.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = key.SequenceCompareTo(metas[mid].Key);
            if (c == 0)
            {
                next = mid + 1;
                return metas[mid].Meta;
            }
            if (c < 0) hi = mid - 1;
            else lo = mid + 1;
        }
        next = lo;
        return null;
    }

    /// <summary>The _id of a stored document, read from its bytes (the document itself stays unbuilt).</summary>
    private static BsonValue IdOf(BsonDocument document, ReadOnlySpan<byte> bytes) =>
        new BsonDocumentView(bytes).TryGetElement("_id"u8, out var id) ? id.ToBsonValue() : document["_id"];

    private static long BulkTree(Collection collection) =>
        collection.GetBulkLoadTree() ?? throw new InvalidOperationException($"{collection.Namespace} cannot be bulk-loaded");

    /// <summary>
    /// Copies one subscription's documents as stored (their BSON bytes, never re-encoded) into the views' tree, and a
    /// record per document (server copy + merge metadata) into the records' tree.
    /// </summary>
    private async Task<long> CopySubscriptionAsync(BoundSubscription sub, List<BoundSubscription> bound, OperationContext context, SnapshotRowPipe pipe, long viewTree, long recordTree, Dictionary<string, HashSet<BsonValue>> written, CancellationToken cancellationToken)
    {
        var engine = _sync.Engine;
        var source = engine.GetDatabase(_sync.Options.Database);
        // Metadata by the encoded key of its document's _id, sorted: the documents come in that order too (the
        // collection's own key order), so the lookup is mostly a step forward, with a binary search as the fallback.
        var metas = new List<(byte[] Key, BsonDocument Meta)>();
        bool sorted = true;
        await using (var cursor = await source.GetCollection(_sync.Options.MetadataCollection).FindAsync(new FindOptions { Filter = new BsonDocument("_id.c", sub.Collection) }, context, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var m in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var metaKey = BsonKeyEncoder.Encode(m["_id"].AsDocument["i"]);
                if (metas.Count > 0 && metaKey.AsSpan().SequenceCompareTo(metas[^1].Key) <= 0) sorted = false;
                metas.Add((metaKey, m["m"].AsDocument));
            }
        }
        if (!sorted) metas.Sort(static (a, b) => a.Key.AsSpan().SequenceCompareTo(b.Key));
        int nextMeta = 0;
        // Only a collection named by more than one subscription can meet a document twice.
        HashSet<BsonValue>? seen = null;
        int subscriptionsOnCollection = 0;
        foreach (var other in bound) if (other.CanMatch && other.Collection == sub.Collection) subscriptionsOnCollection++;
        if (subscriptionsOnCollection > 1 && !written.TryGetValue(sub.Collection, out seen)) written[sub.Collection] = seen = new HashSet<BsonValue>(BsonComparer.Instance);
        var keyBuffer = new ArrayBufferWriter<byte>(64);
        var record = new BsonDocument
        {
            { "_id", BsonNull.Value }, { "base", BsonNull.Value }, { "bmeta", BsonNull.Value }, { "lmeta", BsonNull.Value }, { "status", "synced" },
        };
        var output = new ArrayBufferWriter<byte>(4096);
        long count = 0;
        await using (var cursor = await source.GetCollection(sub.Collection).FindAsync(new FindOptions { Filter = sub.Filter! }, context, cancellationToken).ConfigureAwait(false))
        {
            await foreach (var doc in cursor.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                // The document comes decoded lazily: serializing it before reading any field copies its stored bytes,
                // and _id is read from those bytes. doc["_id"] would build every element, and the two serializations
                // below would then encode the whole document again, field by field.
                output.ResetWrittenCount();
                BsonSerializer.Serialize(doc, output);
                var id = IdOf(doc, output.WrittenSpan);
                count++;
                if (seen is not null && !seen.Add(id)) continue; // an overlapping subscription already wrote it
                // The view: the server's document bytes under the engine's _id key.
                keyBuffer.ResetWrittenCount();
                BsonKeyEncoder.Encode(id, false, keyBuffer);
                pipe.Add(viewTree, keyBuffer.WrittenSpan, output.WrittenSpan);
                // The record shape the SDK keeps per document: server copy, its metadata, no local changes, synced.
                var recordId = SyncService.MetadataKey(sub.Collection, id);
                record["_id"] = recordId;
                record["base"] = doc;
                record["bmeta"] = FindMetadata(metas, keyBuffer.WrittenSpan, ref nextMeta) ?? (BsonValue)BsonNull.Value;
                keyBuffer.ResetWrittenCount();
                BsonKeyEncoder.Encode(recordId, false, keyBuffer);
                output.ResetWrittenCount();
                BsonSerializer.Serialize(record, output);
                pipe.Add(recordTree, keyBuffer.WrittenSpan, output.WrittenSpan);
                if (pipe.IsBatchFull) await pipe.SendAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        return count;
    }

    /// <summary>
    /// The path and length of a built file when <paramref name="bearerToken"/> may read it (for the raw HTTP download,
    /// which the web server streams from disk with range support); null otherwise.
    /// </summary>
    public async Task<(string Path, SnapshotFileInfo Info)?> AuthorizeDownloadAsync(string? bearerToken, string fileId, CancellationToken cancellationToken)
    {
        SyncPrincipal principal;
        try
        {
            principal = await _sync.AuthenticateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncProtocolException)
        {
            return null;
        }
        return _files.TryGetValue(fileId, out var file) && IsAllowed(file, principal.Subject) ? (file.Path, file.Info) : null;
    }

    /// <summary>Reads a byte range of a built file; only the subjects it was handed to may read it.</summary>
    public async Task<byte[]> ReadAsync(SyncPrincipal principal, string fileId, long offset, int length, CancellationToken cancellationToken)
    {
        if (!_files.TryGetValue(fileId, out var file) || !IsAllowed(file, principal.Subject))
            throw new SyncProtocolException(404, ErrorCodes.NoSuchKey, "NoSuchKey", $"no snapshot file '{fileId}' (expired? build again)");
        if (offset < 0 || offset > file.Info.Length) throw SyncProtocolException.BadValue($"offset must be 0..{file.Info.Length}");
        int count = (int)Math.Min(length, file.Info.Length - offset);
        var buffer = new byte[count];
        var stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            stream.Position = offset;
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        return buffer;
    }

    private static bool IsAllowed(BuiltFile file, string subject)
    {
        lock (file.Subjects) return file.Subjects.Contains(subject);
    }

    private static async Task<(long Length, string Sha256)> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            return (stream.Length, Convert.ToHexStringLower(hash));
        }
    }

    private void RemoveExpired()
    {
        var cutoff = DateTime.UtcNow - Options.Lifetime;
        foreach (var (id, file) in _files)
        {
            if (file.Created < cutoff && _files.TryRemove(id, out _)) DeleteQuietly(file.Path);
        }
    }

    private static void DeleteQuietly(string path)
    {
        foreach (var p in new[] { path, path + "-wal", path + "-shm" })
        {
            try
            {
                File.Delete(p);
            }
            catch (IOException)
            {
                // still open by a reader; the next cleanup gets it
            }
        }
    }

    /// <summary>Deletes every built file (and the folder when the service made it).</summary>
    public ValueTask DisposeAsync()
    {
        foreach (var (_, file) in _files) DeleteQuietly(file.Path);
        _files.Clear();
        _building.Dispose();
        if (_ownsDirectory)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>A built file, its cache key, and the subjects it was handed to (only they may read it).</summary>
    private sealed record BuiltFile(string Path, string Key, HashSet<string> Subjects, DateTime Created, SnapshotFileInfo Info);
}
