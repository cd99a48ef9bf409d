using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Sync.Attachments;

/// <summary>
/// A GridFS bucket in the engine, in the exact layout of the GridFS spec (<c>&lt;bucket&gt;.files</c> and
/// <c>&lt;bucket&gt;.chunks</c> with <c>files_id</c>, <c>n</c>, <c>data</c>), so any driver's GridFSBucket reads what
/// sync uploads. Chunks are written as they arrive; the files document is written last, once the bytes are verified,
/// which is also the spec's order (a file without a files document is invisible to readers).
/// </summary>
public sealed class GridFsStore
{
    private readonly Database _database;

    /// <summary>The bucket <paramref name="bucketName"/> (e.g. <c>fs</c>) of <paramref name="database"/>.</summary>
    public GridFsStore(Database database, string bucketName = "fs")
    {
        _database = database;
        BucketName = bucketName;
        Files = database.GetCollection(bucketName + ".files");
        Chunks = database.GetCollection(bucketName + ".chunks");
    }

    /// <summary>The bucket name.</summary>
    public string BucketName { get; }

    /// <summary>The files collection.</summary>
    public Collection Files { get; }

    /// <summary>The chunks collection.</summary>
    public Collection Chunks { get; }

    /// <summary>Creates the indexes the GridFS spec requires (drivers check for them before writing).</summary>
    public async Task EnsureIndexesAsync(CancellationToken cancellationToken = default)
    {
        await Files.CreateIndexesAsync([
            IndexModel.FromDocument(new BsonDocument { { "key", new BsonDocument { { "filename", 1 }, { "uploadDate", 1 } } }, { "name", "filename_1_uploadDate_1" } }),
            IndexModel.FromDocument(new BsonDocument { { "key", new BsonDocument("metadata.attachmentId", 1) }, { "name", "metadata.attachmentId_1" } }),
        ], null, cancellationToken).ConfigureAwait(false);
        await Chunks.CreateIndexesAsync([
            IndexModel.FromDocument(new BsonDocument { { "key", new BsonDocument { { "files_id", 1 }, { "n", 1 } } }, { "name", "files_id_1_n_1" }, { "unique", true } }),
        ], null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes chunk <paramref name="n"/> of <paramref name="fileId"/>, replacing an earlier copy (a retried chunk).</summary>
    public async Task PutChunkAsync(ObjectId fileId, long n, ReadOnlyMemory<byte> data, OperationContext? context, CancellationToken cancellationToken)
    {
        var key = new BsonDocument { { "files_id", fileId }, { "n", n } };
        await Chunks.DeleteAsync([new DeleteStatement { Filter = key, Limit = 1 }], null, context, cancellationToken).ConfigureAwait(false);
        var chunk = new BsonDocument { { "_id", ObjectId.GenerateNewId() }, { "files_id", fileId }, { "n", ToInt32OrInt64(n) }, { "data", new BsonBinary(data.Span) } };
        var result = await Chunks.InsertAsync([chunk], null, context, cancellationToken).ConfigureAwait(false);
        if (result.HasErrors) throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
    }

    // Drivers write n as int32; keep that type so their queries by n (and their sort) see the same values.
    private static BsonValue ToInt32OrInt64(long n) => n <= int.MaxValue ? (BsonValue)(int)n : n;

    /// <summary>Chunks <paramref name="first"/>..<paramref name="last"/> (inclusive) of a file, in order.</summary>
    public async Task<List<BsonDocument>> ReadChunksAsync(ObjectId fileId, long first, long last, OperationContext? context, CancellationToken cancellationToken)
    {
        var filter = new BsonDocument { { "files_id", fileId }, { "n", new BsonDocument { { "$gte", first }, { "$lte", last } } } };
        await using var cursor = await Chunks.FindAsync(new FindOptions { Filter = filter, Sort = new BsonDocument("n", 1) }, context, cancellationToken).ConfigureAwait(false);
        return await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes every chunk of a file (a failed verification restarts the upload).</summary>
    public Task DeleteChunksAsync(ObjectId fileId, OperationContext? context, CancellationToken cancellationToken) =>
        Chunks.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("files_id", fileId) }], null, context, cancellationToken);

    /// <summary>The files document matching <paramref name="filter"/>, or null.</summary>
    public async Task<BsonDocument?> FindFileAsync(BsonDocument filter, OperationContext? context, CancellationToken cancellationToken)
    {
        await using var cursor = await Files.FindAsync(new FindOptions { Filter = filter, Limit = 1 }, context, cancellationToken).ConfigureAwait(false);
        var list = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>
    /// Reads <paramref name="count"/> bytes at <paramref name="offset"/> of the file described by <paramref name="file"/>
    /// (a files document), fetching only the chunks that cover the range. Throws when a chunk is missing or has the
    /// wrong size — the spec's ChunkIsMissing / ChunkIsWrongSize.
    /// </summary>
    public async Task<byte[]> ReadRangeAsync(BsonDocument file, long offset, int count, OperationContext? context, CancellationToken cancellationToken)
    {
        long length = file["length"].ToInt64();
        long chunkSize = file["chunkSize"].ToInt64();
        if (offset < 0 || offset > length) throw new ArgumentOutOfRangeException(nameof(offset));
        count = (int)Math.Min(count, length - offset);
        var result = new byte[count];
        if (count == 0) return result;
        long first = offset / chunkSize, last = (offset + count - 1) / chunkSize;
        var chunks = await ReadChunksAsync(file["_id"].AsObjectId, first, last, context, cancellationToken).ConfigureAwait(false);
        if (chunks.Count != last - first + 1) throw new MongoException(ErrorCodes.BadValue, $"GridFS file {file["_id"]}: chunk missing in {first}..{last}");
        int written = 0;
        for (int i = 0; i < chunks.Count; i++)
        {
            long n = first + i;
            var data = chunks[i]["data"].AsBinary.Data.Span;
            long expected = Math.Min(chunkSize, length - n * chunkSize);
            if (chunks[i]["n"].ToInt64() != n || data.Length != expected)
                throw new MongoException(ErrorCodes.BadValue, $"GridFS file {file["_id"]}: chunk {n} is missing or has the wrong size");
            int from = i == 0 ? (int)(offset - n * chunkSize) : 0;
            int take = Math.Min(data.Length - from, count - written);
            data.Slice(from, take).CopyTo(result.AsSpan(written));
            written += take;
        }
        return result;
    }
}
