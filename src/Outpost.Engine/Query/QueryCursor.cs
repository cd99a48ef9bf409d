using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// A cursor over any async stream of documents (find results, pipeline output). Looks one document ahead so the
/// batch that returns the last document already reports <see cref="IsExhausted"/> (cursor id 0 on the wire).
/// </summary>
internal sealed class QueryCursor : Cursor
{
    private readonly IAsyncEnumerator<BsonDocument> _source;
    private BsonDocument? _pending;
    private bool _started;
    private bool _exhausted;

    public QueryCursor(string ns, IAsyncEnumerable<BsonDocument> source)
    {
        Namespace = ns;
        // The cursor outlives the request that opened it, so it is not bound to that request's token.
        _source = source.GetAsyncEnumerator(CancellationToken.None);
    }

    public override string Namespace { get; }

    public override bool IsExhausted => _exhausted;

    public override async ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(int maxDocuments, TimeSpan? maxAwaitTime = null, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        var batch = new List<BsonDocument>();
        if (_exhausted) return batch;
        if (!_started)
        {
            _started = true;
            await AdvanceAsync().ConfigureAwait(false);
        }

        long bytes = 0;
        while (_pending is not null)
        {
            if (maxDocuments > 0 && batch.Count >= maxDocuments) break;
            var size = BsonSerializer.GetSerializedSize(_pending);
            if (batch.Count > 0 && bytes + size > maxBytes) break;
            batch.Add(_pending);
            bytes += size;
            await AdvanceAsync().ConfigureAwait(false);
        }

        return batch;
    }

    private async ValueTask AdvanceAsync()
    {
        if (await _source.MoveNextAsync().ConfigureAwait(false))
        {
            _pending = _source.Current;
        }
        else
        {
            _pending = null;
            _exhausted = true;
            await _source.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_exhausted)
        {
            _exhausted = true;
            await _source.DisposeAsync().ConfigureAwait(false);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
