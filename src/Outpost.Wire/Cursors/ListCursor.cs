using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Wire.Cursors;

/// <summary>A cursor over an already computed list (listCollections, listIndexes), so small batch sizes and getMore work.</summary>
public sealed class ListCursor(string ns, IReadOnlyList<BsonDocument> documents) : Cursor
{
    private int _position;

    /// <inheritdoc />
    public override string Namespace => ns;

    /// <inheritdoc />
    public override bool IsExhausted => _position >= documents.Count;

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<BsonDocument>> NextBatchAsync(int maxDocuments, TimeSpan? maxAwaitTime = null, int maxBytes = 16 * 1024 * 1024, CancellationToken cancellationToken = default)
    {
        int count = maxDocuments <= 0 ? documents.Count - _position : Math.Min(maxDocuments, documents.Count - _position);
        var batch = new List<BsonDocument>(count);
        for (int i = 0; i < count; i++) batch.Add(documents[_position + i]);
        _position += count;
        return ValueTask.FromResult<IReadOnlyList<BsonDocument>>(batch);
    }
}
