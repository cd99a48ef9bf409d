using System.Buffers;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.ChangeStreams;
using Outpost.Engine.Keys;
using Outpost.Storage;

namespace Outpost.Engine.Writes;

/// <summary>
/// Writes one document change — the document, its index entries and its change-log entry — into a storage
/// transaction. The caller owns the transaction (one per statement, batch or multi-document transaction).
/// The collection tree is keyed by the encoded _id, so it doubles as the _id index.
/// </summary>
internal sealed class DocumentWriter
{
    /// <summary>MongoDB's maximum user document size.</summary>
    public const int MaxDocumentSize = 16 * 1024 * 1024;

    private readonly IKeyEncoder _encoder;

    private readonly bool _logDocuments;

    public DocumentWriter(IKeyEncoder encoder, bool logDocuments = true)
    {
        _encoder = encoder;
        _logDocuments = logDocuments;
    }

    public byte[] EncodeId(BsonValue id)
    {
        var buffer = new ArrayBufferWriter<byte>(32);
        _encoder.Encode(id, false, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Returns the document to store: _id first (generated when missing), _id and size rules checked.</summary>
    public static BsonDocument PrepareForInsert(BsonDocument document)
    {
        var idIndex = document.IndexOf("_id");
        BsonDocument prepared;
        if (idIndex < 0)
        {
            prepared = new BsonDocument(document.ElementCount + 1) { { "_id", ObjectId.GenerateNewId() } };
            foreach (var e in document) prepared.Add(e);
        }
        else if (idIndex > 0)
        {
            prepared = new BsonDocument(document.ElementCount) { document.GetElement(idIndex) };
            foreach (var e in document)
                if (e.Name != "_id") prepared.Add(e);
        }
        else
        {
            prepared = document;
        }

        ValidateId(prepared["_id"]);
        return prepared;
    }

    public static void ValidateId(BsonValue id)
    {
        switch (id)
        {
            case BsonArray: throw new MongoException(ErrorCodes.InvalidIdField, "can't use an array for _id");
            case BsonRegularExpression: throw new MongoException(ErrorCodes.InvalidIdField, "can't use a regex for _id");
            case BsonUndefined: throw new MongoException(ErrorCodes.InvalidIdField, "can't use a undefined for _id");
            case BsonDocument d:
                foreach (var e in d)
                    if (e.Name.StartsWith('$'))
                        throw new MongoException(ErrorCodes.DollarPrefixedFieldName, $"_id fields may not contain '$'-prefixed fields: {e.Name} is not valid for storage.");
                break;
        }
    }

    public static byte[] Serialize(BsonDocument document)
    {
        var bytes = BsonSerializer.Serialize(document);
        if (bytes.Length > MaxDocumentSize)
            throw new MongoException(ErrorCodes.BSONObjectTooLarge, $"object to insert too large. size in bytes: {bytes.Length}, max size: {MaxDocumentSize}");
        return bytes;
    }

    /// <summary>Inserts a document prepared by <see cref="PrepareForInsert"/>; returns its serialized size. Throws 11000 on a duplicate _id or unique key.</summary>
    public ValueTask<int> InsertAsync(IStorageTransaction tx, CollectionState collection, BsonDocument document, OperationContext context, CancellationToken cancellationToken) =>
        InsertAsync(tx, collection, PreparedDocument.FromDocument(document), context, cancellationToken);

    /// <summary>
    /// Inserts a prepared document: its bytes are stored as they are, and its DOM is only read when a secondary index
    /// needs keys. Returns its serialized size. Throws 11000 on a duplicate _id or unique key, 10334 when it is over 16 MiB.
    /// </summary>
    public async ValueTask<int> InsertAsync(IStorageTransaction tx, CollectionState collection, PreparedDocument prepared, OperationContext context, CancellationToken cancellationToken)
    {
        var bytes = prepared.Bytes;
        if (bytes.Length > MaxDocumentSize)
            throw new MongoException(ErrorCodes.BSONObjectTooLarge, $"object to insert too large. size in bytes: {bytes.Length}, max size: {MaxDocumentSize}");
        var id = prepared.Id;
        var idKey = EncodeId(id);
        try
        {
            await tx.InsertAsync(collection.Tree, idKey, bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageDuplicateKeyException)
        {
            throw DuplicateKey(collection, collection.IdIndex, new BsonDocument("_id", id));
        }

        for (var i = 1; i < collection.Indexes.Length; i++)
            await AddEntriesAsync(tx, collection, collection.Indexes[i], prepared.Document, idKey, null, cancellationToken).ConfigureAwait(false);
        if (_logDocuments) tx.AppendLog(ChangeLogRecord.DocumentWithRawPost("insert", collection.Database, collection.Name, id, bytes, null, null, context));
        if (collection.IsCapped)
        {
            await CappedStore.AppendAsync(tx, collection, idKey, bytes.Length, cancellationToken).ConfigureAwait(false);
            foreach (var (victimKey, victim) in await CappedStore.OverflowAsync(tx, collection, cancellationToken).ConfigureAwait(false))
                await DeleteAsync(tx, collection, victimKey, victim, context, cancellationToken).ConfigureAwait(false);
        }

        return bytes.Length;
    }

    /// <summary>
    /// Replaces the stored version of a document (same _id), updating changed index entries. <c>serialized</c> is the
    /// encoding of <c>after</c> when the caller already made it (with <see cref="Serialize"/>, which checks the size).
    /// </summary>
    public async ValueTask ReplaceAsync(IStorageTransaction tx, CollectionState collection, byte[] idKey, BsonDocument before, BsonDocument after, BsonDocument? updateDescription, OperationContext context, CancellationToken cancellationToken, byte[]? serialized = null)
    {
        var bytes = serialized ?? Serialize(after);
        await tx.PutAsync(collection.Tree, idKey, bytes, cancellationToken).ConfigureAwait(false);
        if (collection.IsCapped)
        {
            var (count, total) = await CappedStore.ReadStatsAsync(tx, collection, cancellationToken).ConfigureAwait(false);
            await CappedStore.WriteStatsAsync(tx, collection, count, total + bytes.Length - BsonSerializer.GetSerializedSize(before), cancellationToken).ConfigureAwait(false);
        }
        for (var i = 1; i < collection.Indexes.Length; i++)
        {
            var index = collection.Indexes[i];
            var oldKeys = KeysOf(index, before);
            await AddEntriesAsync(tx, collection, index, after, idKey, oldKeys, cancellationToken).ConfigureAwait(false);
        }

        var pre = collection.Options.ChangeStreamPreAndPostImages ? before : null;
        // A null description means a replacement; operator and pipeline updates are "update" events.
        if (_logDocuments) tx.AppendLog(ChangeLogRecord.DocumentWithRawPost(updateDescription is null ? "replace" : "update", collection.Database, collection.Name, after["_id"], bytes, pre, updateDescription, context));
    }

    /// <summary>Deletes a stored document and its index entries.</summary>
    public async ValueTask DeleteAsync(IStorageTransaction tx, CollectionState collection, byte[] idKey, BsonDocument document, OperationContext context, CancellationToken cancellationToken)
    {
        await tx.DeleteAsync(collection.Tree, idKey, cancellationToken).ConfigureAwait(false);
        if (collection.IsCapped)
            await CappedStore.RemoveAsync(tx, collection, idKey, BsonSerializer.GetSerializedSize(document), cancellationToken).ConfigureAwait(false);
        for (var i = 1; i < collection.Indexes.Length; i++)
        {
            var index = collection.Indexes[i];
            foreach (var key in KeysOf(index, document))
                await tx.DeleteAsync(index.Tree, EntryKey(index, key, idKey), cancellationToken).ConfigureAwait(false);
        }

        var pre = collection.Options.ChangeStreamPreAndPostImages ? document : null;
        if (_logDocuments) tx.AppendLog(ChangeLogRecord.Document("delete", collection.Database, collection.Name, document["_id"], null, pre, null, context));
    }

    /// <summary>Adds the index entries of one document to a (possibly new) index — used by index builds too.</summary>
    public static async ValueTask AddEntriesAsync(IStorageTransaction tx, CollectionState collection, IndexState index, BsonDocument document, byte[] idKey, List<byte[]>? oldKeys, CancellationToken cancellationToken)
    {
        var keys = new List<byte[]>();
        if (index.Covers(document))
        {
            var multikey = index.Kind.GenerateKeys(document, keys);
            if (multikey && !index.Multikey)
            {
                await tx.PutAsync(StorageLayout.MetaTree, StorageLayout.MultikeyKey(index.Tree), new byte[] { 1 }, cancellationToken).ConfigureAwait(false);

                // Other processes on the same store reload their catalog and plan with the multikey flag too.
                await CatalogManager.BumpVersionAsync(tx, cancellationToken).ConfigureAwait(false);

                // The flag only ever widens the planner's caution, so setting it before commit is safe.
                index.MarkMultikey();
            }
        }

        if (oldKeys is not null)
        {
            foreach (var old in oldKeys)
                if (!Contains(keys, old)) await tx.DeleteAsync(index.Tree, EntryKey(index, old, idKey), cancellationToken).ConfigureAwait(false);
        }

        foreach (var key in keys)
        {
            if (oldKeys is not null && Contains(oldKeys, key)) continue;
            if (index.Unique)
            {
                try
                {
                    await tx.InsertAsync(index.Tree, key, idKey, cancellationToken).ConfigureAwait(false);
                }
                catch (StorageDuplicateKeyException)
                {
                    throw DuplicateKey(collection, index, index.Kind.DescribeKey(document, key) ?? []);
                }
            }
            else
            {
                // Storage copies what it is given, so the entry key is assembled in a pooled buffer, not a new array.
                var length = key.Length + idKey.Length;
                var entry = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    key.CopyTo(entry, 0);
                    idKey.CopyTo(entry, key.Length);
                    // Entry format 2 stores no value: the entry key already ends with the _id key (IndexState.IdInKey).
                    await tx.PutAsync(index.Tree, entry.AsMemory(0, length), index.IdInKey ? ReadOnlyMemory<byte>.Empty : idKey, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(entry);
                }
            }
        }
    }

    public static List<byte[]> KeysOf(IndexState index, BsonDocument document)
    {
        var keys = new List<byte[]>();
        if (index.Covers(document)) index.Kind.GenerateKeys(document, keys);
        return keys;
    }

    /// <summary>Unique indexes store the key alone (so storage detects duplicates); others append the _id key.</summary>
    public static byte[] EntryKey(IndexState index, byte[] key, byte[] idKey)
    {
        if (index.Unique) return key;
        var entry = new byte[key.Length + idKey.Length];
        key.CopyTo(entry, 0);
        idKey.CopyTo(entry, key.Length);
        return entry;
    }

    private static bool Contains(List<byte[]> keys, byte[] key)
    {
        foreach (var k in keys) if (k.AsSpan().SequenceEqual(key)) return true;
        return false;
    }

    public static MongoException DuplicateKey(CollectionState collection, IndexState index, BsonDocument keyValue)
    {
        var text = new System.Text.StringBuilder("{ ");
        var first = true;
        foreach (var e in keyValue)
        {
            if (!first) text.Append(", ");
            first = false;
            text.Append(e.Name).Append(": ").Append(e.Value.ToString());
        }

        text.Append(keyValue.ElementCount == 0 ? "}" : " }");
        return new MongoException(ErrorCodes.DuplicateKey,
            $"E11000 duplicate key error collection: {collection.Namespace} index: {index.Name} dup key: {text}")
        {
            Details = [new("keyPattern", index.KeyPattern), new("keyValue", keyValue)],
        };
    }
}
