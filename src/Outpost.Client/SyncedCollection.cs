using System.Reactive.Linq;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine;
using Outpost.Query.Updates;

namespace Outpost.Client;

/// <summary>
/// A synced collection of the local database. Reads run locally (offline too); writes change the local view and
/// enter the outbox in one local transaction, so they always succeed offline and are never lost.
/// </summary>
public sealed class SyncedCollection
{
    private readonly OutpostClient _client;

    internal SyncedCollection(OutpostClient client, string name)
    {
        _client = client;
        Name = name;
        client.DocumentsChanged += (_, e) =>
        {
            if (e.Collection == Name) Changed?.Invoke(this, e);
        };
    }

    /// <summary>The collection name (same on the server).</summary>
    public string Name { get; }

    /// <summary>Raised after documents of this collection changed locally or remotely.</summary>
    public event EventHandler<DocumentsChangedEventArgs>? Changed;

    private Collection Local => _client.AppDatabase.GetCollection(Name);

    /// <summary>Runs a query on the local data (the full query language).</summary>
    public async Task<List<BsonDocument>> FindAsync(BsonDocument? filter = null, BsonDocument? sort = null, long limit = 0, CancellationToken cancellationToken = default)
    {
        await using var cursor = await Local.FindAsync(new FindOptions { Filter = filter ?? [], Sort = sort, Limit = limit }, null, cancellationToken).ConfigureAwait(false);
        return await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The document with this _id, or null.</summary>
    public async Task<BsonDocument?> FindByIdAsync(BsonValue id, CancellationToken cancellationToken = default) =>
        (await FindAsync(new BsonDocument("_id", id), null, 1, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    /// <summary>Inserts documents (an ObjectId _id is added when missing); returns their ids.</summary>
    /// <exception cref="MongoException">11000 when an _id exists locally.</exception>
    public async Task<IReadOnlyList<BsonValue>> InsertAsync(IReadOnlyList<BsonDocument> documents, CancellationToken cancellationToken = default)
    {
        var ids = new List<BsonValue>(documents.Count);
        var prepared = new List<BsonDocument>(documents.Count);
        foreach (var document in documents)
        {
            var doc = document.DeepClone();
            if (!doc.TryGetValue("_id", out var id))
            {
                id = ObjectId.GenerateNewId();
                var withId = new BsonDocument("_id", id);
                foreach (var e in doc) withId.Add(e.Name, e.Value);
                doc = withId;
            }
            ids.Add(id);
            prepared.Add(doc);
        }
        await _client.WriteLocalAsync(Name, async context =>
        {
            var writes = new List<(BsonValue, BsonDocument?, BsonDocument?)>();
            foreach (var doc in prepared)
            {
                var existing = await OutpostClient.FindAsync(Local, new BsonDocument("_id", doc["_id"]), context, cancellationToken, limit: 1).ConfigureAwait(false);
                if (existing.Count > 0) throw new MongoException(ErrorCodes.DuplicateKey, $"E11000 duplicate key error collection: {Name} index: _id_ dup key: {{ _id: {doc["_id"]} }}");
                writes.Add((doc["_id"], null, doc));
            }
            return writes;
        }, cancellationToken).ConfigureAwait(false);
        return ids;
    }

    /// <summary>Inserts one document; returns its id.</summary>
    public async Task<BsonValue> InsertOneAsync(BsonDocument document, CancellationToken cancellationToken = default) =>
        (await InsertAsync([document], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Applies a MongoDB update (operators, replacement or pipeline) to matching documents; returns how many changed.</summary>
    public Task<int> UpdateAsync(BsonDocument filter, BsonValue update, bool multi = false, CancellationToken cancellationToken = default)
    {
        var plan = UpdatePlan.Compile(update);
        return _client.WriteLocalAsync(Name, async context =>
        {
            var docs = await OutpostClient.FindAsync(Local, filter, context, cancellationToken, limit: multi ? 0 : 1).ConfigureAwait(false);
            var writes = new List<(BsonValue, BsonDocument?, BsonDocument?)>(docs.Count);
            foreach (var doc in docs)
            {
                var after = OutpostClient.ApplyUpdate(plan, doc);
                if (!after.TryGetValue("_id", out var newId) || BsonComparer.Instance.Compare(newId, doc["_id"]) != 0)
                    throw new MongoException(ErrorCodes.ImmutableField, "Performing an update on the path '_id' would modify the immutable field '_id'");
                writes.Add((doc["_id"], doc, after));
            }
            return writes;
        }, cancellationToken);
    }

    /// <summary>
    /// Applies many updates (each to the first document its filter matches, like <see cref="UpdateAsync"/> without
    /// multi) in order, atomically, in one local transaction: one commit for the whole batch instead of one per edit,
    /// so bulk edits made offline cost little more than their reads. Returns how many documents changed.
    /// </summary>
    public Task<int> UpdateBatchAsync(IReadOnlyList<(BsonDocument Filter, BsonValue Update)> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var compiled = new List<(BsonDocument, UpdatePlan)>(updates.Count);
        foreach (var (filter, update) in updates) compiled.Add((filter, UpdatePlan.Compile(update)));
        return _client.UpdateBatchLocalAsync(Name, compiled, cancellationToken);
    }

    /// <summary>Deletes matching documents; returns how many.</summary>
    public Task<int> DeleteAsync(BsonDocument filter, bool multi = false, CancellationToken cancellationToken = default) =>
        _client.WriteLocalAsync(Name, async context =>
        {
            var docs = await OutpostClient.FindAsync(Local, filter, context, cancellationToken, limit: multi ? 0 : 1).ConfigureAwait(false);
            var writes = new List<(BsonValue, BsonDocument?, BsonDocument?)>(docs.Count);
            foreach (var doc in docs) writes.Add((doc["_id"], doc, null));
            return writes;
        }, cancellationToken);

    /// <summary>The sync status of a document.</summary>
    public Task<SyncStatus> GetSyncStatusAsync(BsonValue id, CancellationToken cancellationToken = default) => _client.StatusAsync(Name, id, cancellationToken);

    /// <summary>
    /// A live query: emits the current result on subscription and again whenever a local or remote change alters it.
    /// </summary>
    public IObservable<IReadOnlyList<BsonDocument>> Observe(BsonDocument? filter = null, BsonDocument? sort = null, long limit = 0) =>
        Observable.Create<IReadOnlyList<BsonDocument>>(observer =>
        {
            var gate = new SemaphoreSlim(1, 1);
            byte[]? last = null;
            var cancel = new CancellationTokenSource();
            async Task RefreshAsync()
            {
                try
                {
                    await gate.WaitAsync(cancel.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                try
                {
                    var result = await FindAsync(filter, sort, limit, cancel.Token).ConfigureAwait(false);
                    var fingerprint = BsonSerializer.Serialize(new BsonDocument("r", new BsonArray(result)));
                    if (last is null || !fingerprint.AsSpan().SequenceEqual(last))
                    {
                        last = fingerprint;
                        observer.OnNext(result);
                    }
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e) when (e is MongoException or ObjectDisposedException)
                {
                    observer.OnError(e);
                }
                finally
                {
                    gate.Release();
                }
            }
            EventHandler<DocumentsChangedEventArgs> handler = (_, _) => _ = RefreshAsync();
            Changed += handler;
            _ = RefreshAsync();
            return () =>
            {
                Changed -= handler;
                cancel.Cancel();
                cancel.Dispose();
            };
        });
}
