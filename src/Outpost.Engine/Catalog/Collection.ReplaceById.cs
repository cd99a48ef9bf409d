using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Writes;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>
    /// Stores each document under its <c>_id</c>: replaces the stored version, or inserts the document when there is
    /// none — the effect of one replacement upsert <c>{ _id: d._id } → d</c> per document, in order, but without
    /// compiling a filter, an update and a plan per statement: one point read of the <c>_id</c> tree decides. A stored
    /// version byte-identical to the new one is left alone (no write, no change event), as a no-op replacement is.
    /// Runs in one storage transaction (the context's, when it has one); any error aborts the whole call.
    /// </summary>
    /// <returns>How many documents were inserted or changed.</returns>
    /// <exception cref="MongoException">Validation failures, duplicate unique keys, oversized documents, write conflicts.</exception>
    public async Task<long> ReplaceByIdAsync(IReadOnlyList<BsonDocument> documents, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 0) return 0;
        context ??= OperationContext.None;
        var state = await GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        return await Engine.RunWriteAsync(context, async tx =>
        {
            var current = State ?? state;
            long written = 0;
            foreach (var document in documents)
            {
                var prepared = DocumentWriter.PrepareForInsert(document);
                var idKey = Engine.Writer.EncodeId(prepared["_id"]);
                var stored = await tx.GetAsync(current.Tree, idKey, cancellationToken).ConfigureAwait(false);
                if (stored is null)
                {
                    Validate(current, prepared, null, false);
                    await Engine.Writer.InsertAsync(tx, current, prepared, context, cancellationToken).ConfigureAwait(false);
                    written++;
                    continue;
                }
                var bytes = DocumentWriter.Serialize(prepared);
                if (bytes.AsSpan().SequenceEqual(stored)) continue;
                // The old version is decoded only when something reads it: index keys to remove, a pre-image, capped
                // sizes, moderate validation. Sync's records and views need none of these, and decoding was most of the cost.
                var before = NeedsBefore(current) ? BsonSerializer.Deserialize(stored) : [];
                Validate(current, prepared, before, false);
                await Engine.Writer.ReplaceAsync(tx, current, idKey, before, prepared, null, context, cancellationToken, bytes).ConfigureAwait(false);
                written++;
            }
            return written;
        }, cancellationToken, Namespace).ConfigureAwait(false);
    }

    private static bool NeedsBefore(CollectionState state) =>
        state.Indexes.Length > 1 || state.IsCapped || state.Options.ChangeStreamPreAndPostImages || state.Validator is not null;
}
