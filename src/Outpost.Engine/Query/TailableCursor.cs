using Outpost.Bson;
using Outpost.Query.Projections;
using Outpost.Storage;

namespace Outpost.Engine.Query;

/// <summary>
/// A tailable cursor on a capped collection: remembers the last insertion sequence it returned and, at the end of
/// the data, stays open. With awaitData an empty batch waits (storage log wake-up) up to maxAwaitTime for inserts.
/// </summary>
internal sealed class TailableCursor : Cursor
{
    private static readonly TimeSpan DefaultAwait = TimeSpan.FromSeconds(1);
    private readonly OutpostEngine _engine;
    private readonly Collection _collection;
    private readonly DocumentMatcher _matcher;
    private readonly ProjectionPlan? _projection;
    private readonly bool _awaitData;
    private byte[]? _lastSequence;
    private bool _exhausted;

    public TailableCursor(OutpostEngine engine, Collection collection, DocumentMatcher matcher, ProjectionPlan? projection, bool awaitData)
    {
        _engine = engine;
        _collection = collection;
        _matcher = matcher;
        _projection = projection;
        _awaitData = awaitData;
    }

    public override string Namespace => _collection.Namespace;

    public override bool IsExhausted => _exhausted;

    public override async ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(int maxDocuments, TimeSpan? maxAwaitTime = null, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        var batch = new List<BsonDocument>();
        var deadline = DateTime.UtcNow + (maxAwaitTime ?? DefaultAwait);
        var limit = maxDocuments > 0 ? maxDocuments : 1000;
        while (!_exhausted)
        {
            var state = _collection.State;
            if (state is null || !state.IsCapped)
            {
                _exhausted = true;
                break;
            }

            // Read the log position first: a commit after it wakes the wait below even if our scan missed it.
            var position = await _engine.Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
            await using (var tx = await _engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false))
            {
                var range = _lastSequence is null ? KeyRange.All : new KeyRange(_lastSequence, false, null, false);
                await foreach (var entry in tx.ScanAsync(state.NaturalTree, range, false, cancellationToken).ConfigureAwait(false))
                {
                    _lastSequence = entry.Key;
                    var bytes = await tx.GetAsync(state.Tree, entry.Value, cancellationToken).ConfigureAwait(false);
                    if (bytes is null || !_matcher.Matches(bytes)) continue;
                    var doc = BsonSerializer.Deserialize(bytes);
                    batch.Add(_projection is null ? doc : _projection.Apply(doc));
                    if (batch.Count >= limit) break;
                }
            }

            if (batch.Count > 0 || !_awaitData) break;
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero) break;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(remaining);
            try
            {
                await _engine.Storage.WaitForLogAsync(position, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                break;
            }
        }

        return batch;
    }
}
