using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// An open change stream: enumerate it with <c>await foreach</c> (it waits for new events until cancelled or
/// invalidated). <see cref="ResumeToken"/> is the token to store for resuming after the last event handed out.
/// The stream's start position is fixed when WatchAsync returns, so writes made after that are seen.
/// </summary>
public sealed class OutpostChangeStream<T> : IAsyncEnumerable<ChangeEvent<T>>, IAsyncDisposable
{
    private readonly ChangeStreamCursor _cursor;
    private readonly BsonMapper _mapper;
    private readonly WatchOptions _options;
    private readonly Queue<BsonDocument> _pending = new();

    internal OutpostChangeStream(ChangeStreamCursor cursor, BsonMapper mapper, WatchOptions options)
    {
        _cursor = cursor;
        _mapper = mapper;
        _options = options;
        ResumeToken = cursor.PostBatchResumeToken;
    }

    /// <summary>The resume token of the last event returned (or the stream's start position before any).</summary>
    public BsonDocument ResumeToken { get; private set; }

    /// <summary>Returns the events already fetched, or else the next batch, waiting up to MaxAwaitTime; empty when none arrived.</summary>
    public async Task<IReadOnlyList<ChangeEvent<T>>> NextBatchAsync(CancellationToken cancellationToken = default)
    {
        if (_pending.Count == 0) await FetchAsync(cancellationToken).ConfigureAwait(false);
        var events = new List<ChangeEvent<T>>(_pending.Count);
        while (_pending.Count > 0) events.Add(Take());
        return events;
    }

    /// <summary>
    /// Streams events until the stream is invalidated or the token is cancelled. Leaving the loop early keeps the
    /// events not yet handed out: enumerating again continues with the next one.
    /// </summary>
    public async IAsyncEnumerator<ChangeEvent<T>> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            while (_pending.Count > 0) yield return Take();
            if (_cursor.IsExhausted) yield break;
            cancellationToken.ThrowIfCancellationRequested();
            await FetchAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        if (_cursor.IsExhausted) return;
        var batch = await _cursor.NextBatchAsync(_options.BatchSize, _options.MaxAwaitTime, 16 * 1024 * 1024, cancellationToken).ConfigureAwait(false);
        foreach (var raw in batch) _pending.Enqueue(raw);
    }

    // The token advances only when an event is handed out, so a stored token never skips an unseen event.
    private ChangeEvent<T> Take()
    {
        var change = Map(_pending.Dequeue());
        ResumeToken = change.ResumeToken;
        return change;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => _cursor.DisposeAsync();

    private ChangeEvent<T> Map(BsonDocument raw)
    {
        var ns = raw.TryGetValue("ns", out var n) && n.IsDocument ? n.AsDocument : null;
        return new ChangeEvent<T>
        {
            ResumeToken = raw["_id"].AsDocument,
            OperationType = raw["operationType"].AsString,
            DatabaseName = ns is not null && ns.TryGetValue("db", out var db) ? db.AsString : null,
            CollectionName = ns is not null && ns.TryGetValue("coll", out var coll) ? coll.AsString : null,
            DocumentKey = raw.TryGetValue("documentKey", out var key) && key.IsDocument ? key.AsDocument : null,
            FullDocument = raw.TryGetValue("fullDocument", out var full) && full.IsDocument ? _mapper.FromDocument<T>(full.AsDocument) : default,
            FullDocumentBeforeChange = raw.TryGetValue("fullDocumentBeforeChange", out var pre) && pre.IsDocument ? _mapper.FromDocument<T>(pre.AsDocument) : default,
            UpdateDescription = raw.TryGetValue("updateDescription", out var ud) && ud.IsDocument ? ud.AsDocument : null,
            ClusterTime = raw.TryGetValue("clusterTime", out var ct) ? ct as BsonTimestamp : null,
            BackingDocument = raw,
        };
    }
}
