using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>
/// A cursor over at most one already-read document (the _id point lookup). Exhausted as soon as that document has been
/// returned, so the first batch already closes it (cursor id 0 on the wire), as MongoDB's IDHACK find does.
/// </summary>
internal sealed class SingleResultCursor(string ns, BsonDocument? document) : Cursor
{
    private BsonDocument? _document = document;

    public override string Namespace { get; } = ns;

    public override bool IsExhausted => _document is null;

    public override ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(int maxDocuments, TimeSpan? maxAwaitTime = null, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        if (_document is not { } document) return ValueTask.FromResult<IReadOnlyList<BsonDocument>>([]);
        _document = null;
        return ValueTask.FromResult<IReadOnlyList<BsonDocument>>([document]);
    }
}
