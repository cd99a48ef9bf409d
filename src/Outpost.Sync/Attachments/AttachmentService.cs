using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Protocol;
using Outpost.Sync.Rules;
using Outpost.Sync.Server;

namespace Outpost.Sync.Attachments;

/// <summary>
/// The server side of resumable attachment uploads and ranged downloads. An upload is a session keyed by the client's
/// attachment id; every acknowledged chunk is a GridFS chunk committed together with the session's new
/// <c>received</c> offset, so after a dropped connection or a restart the client asks (<c>begin</c> again) and continues
/// from exactly what the server holds. <c>complete</c> verifies SHA-256 (and MD5 when given) over the stored chunks and
/// only then writes the files document. Authorization follows the sync rules of the document the attachment belongs
/// to: uploading needs the collection's write rule to match it, downloading its read rule.
/// </summary>
public sealed class AttachmentService
{
    private readonly SyncService _sync;
    private readonly Database _database;
    private readonly Dictionary<string, CollectionSyncRule> _rules = new(StringComparer.Ordinal);

    /// <summary>Creates the service over the sync server's engine, rules and authenticator.</summary>
    public AttachmentService(SyncService sync, AttachmentServerOptions? options = null)
    {
        _sync = sync;
        Options = options ?? new AttachmentServerOptions();
        _database = sync.Engine.GetDatabase(sync.Options.Database);
        foreach (var rule in sync.Options.Rules) _rules[rule.Collection] = rule;
        Store = new GridFsStore(_database, Options.BucketName);
    }

    /// <summary>The configuration.</summary>
    public AttachmentServerOptions Options { get; }

    /// <summary>The GridFS bucket uploads land in.</summary>
    public GridFsStore Store { get; }

    private Collection Uploads => _database.GetCollection(Options.UploadsCollection);

    /// <summary>Creates the bucket's indexes and the uploads collection.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await Store.EnsureIndexesAsync(cancellationToken).ConfigureAwait(false);
        var existing = await _database.ListCollectionsAsync(new BsonDocument("name", Options.UploadsCollection), nameOnly: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.Count == 0)
        {
            try
            {
                await _database.CreateCollectionAsync(Options.UploadsCollection, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (MongoException e) when (e.Code == ErrorCodes.NamespaceExists)
            {
                // created concurrently
            }
        }
    }

    /// <summary>Serves one request (token + endpoint + body → reply body); protocol errors become error bodies.</summary>
    public async Task<BsonDocument> HandleAsync(string endpoint, BsonDocument body, string? bearerToken, CancellationToken cancellationToken)
    {
        try
        {
            var principal = await _sync.AuthenticateAsync(bearerToken, cancellationToken).ConfigureAwait(false);
            if (!body.TryGetValue("v", out var v) || !v.IsNumeric || v.ToInt64() != SyncProtocol.Version)
                throw new SyncProtocolException(400, 2, "protocolVersion", $"this server speaks {SyncProtocol.Name}");
            return endpoint switch
            {
                AttachmentProtocol.Begin => (await BeginAsync(principal, SyncCodec.String(body, "clientId"), AttachmentDescriptor.FromBson(body), cancellationToken).ConfigureAwait(false)).ToBson(),
                AttachmentProtocol.Chunk => await ChunkAsync(principal, SyncCodec.String(body, "id"), SyncCodec.Int64(body, "offset"), Binary(body, "data"), cancellationToken).ConfigureAwait(false),
                AttachmentProtocol.Complete => (await CompleteAsync(principal, SyncCodec.String(body, "id"), cancellationToken).ConfigureAwait(false)).ToBson(),
                AttachmentProtocol.Download => await DownloadAsync(principal, SyncCodec.String(body, "id"), SyncCodec.Int64(body, "offset", 0),
                    (int)Math.Clamp(SyncCodec.Int64(body, "length", AttachmentProtocol.MaxDownloadBytes), 0, AttachmentProtocol.MaxDownloadBytes), cancellationToken).ConfigureAwait(false),
                _ => throw new SyncProtocolException(404, 59, "CommandNotFound", $"no sync endpoint '{endpoint}'"),
            };
        }
        catch (SyncProtocolException e)
        {
            return e.ToBson();
        }
        catch (MongoException e)
        {
            return new SyncProtocolException(e.Code == ErrorCodes.WriteConflict ? 409 : 400, e.Code, e.CodeName, e.Message).ToBson();
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
        {
            return SyncProtocolException.BadValue(e.Message).ToBson();
        }
    }

    private static ReadOnlyMemory<byte> Binary(BsonDocument body, string name) =>
        body.TryGetValue(name, out var v) && v is BsonBinary b ? b.Data : throw SyncProtocolException.BadValue($"'{name}' must be binary data");

    /// <summary>
    /// <c>begin</c>: opens the upload session, or returns the existing one unchanged (this is how a client that lost its
    /// connection or restarted learns the last acknowledged offset). A session is bound to the subject that opened it.
    /// </summary>
    public async Task<UploadStatus> BeginAsync(SyncPrincipal principal, string clientId, AttachmentDescriptor descriptor, CancellationToken cancellationToken)
    {
        if (descriptor.Length > Options.MaxLength) throw SyncProtocolException.BadValue($"attachments are limited to {Options.MaxLength} bytes");
        await AuthorizeOwnerAsync(principal, descriptor.Collection, descriptor.DocumentId, write: true, cancellationToken).ConfigureAwait(false);
        var session = await SessionAsync(descriptor.Id, null, cancellationToken).ConfigureAwait(false);
        if (session is not null)
        {
            CheckSubject(principal, session);
            if (session["sha256"].AsString != descriptor.Sha256 || session["length"].ToInt64() != descriptor.Length || session["chunkSize"].ToInt64() != descriptor.ChunkSize)
                throw new SyncProtocolException(409, ErrorCodes.BadValue, "AttachmentMismatch", $"attachment '{descriptor.Id}' was begun with other content");
            return Status(session);
        }
        var fileId = ObjectId.GenerateNewId();
        var doc = new BsonDocument
        {
            { "_id", descriptor.Id }, { "fileId", fileId }, { "subject", principal.Subject }, { "clientId", clientId },
            { "coll", descriptor.Collection }, { "docId", descriptor.DocumentId }, { "length", descriptor.Length }, { "chunkSize", descriptor.ChunkSize },
            { "sha256", descriptor.Sha256 }, { "md5", (BsonValue?)descriptor.Md5 ?? BsonNull.Value }, { "filename", (BsonValue?)descriptor.FileName ?? BsonNull.Value },
            { "contentType", (BsonValue?)descriptor.ContentType ?? BsonNull.Value }, { "received", 0L }, { "complete", false }, { "created", DateTime.UtcNow },
        };
        var result = await Uploads.InsertAsync([doc], null, null, cancellationToken).ConfigureAwait(false);
        if (result.HasErrors)
        {
            // Two begins raced (a retried request): the other one created it; answer with that.
            var raced = await SessionAsync(descriptor.Id, null, cancellationToken).ConfigureAwait(false) ?? throw new MongoException(result.WriteErrors[0].Code, result.WriteErrors[0].Message);
            CheckSubject(principal, raced);
            return Status(raced);
        }
        return Status(doc);
    }

    /// <summary>
    /// <c>chunk</c>: stores the chunk at <paramref name="offset"/> when it continues the upload (offset = received) and
    /// answers the offset now acknowledged. A chunk already stored (a retry after a lost reply) is acknowledged without
    /// effect; one beyond the acknowledged offset is refused with <c>accepted: false</c> and the offset to continue from.
    /// </summary>
    public async Task<BsonDocument> ChunkAsync(SyncPrincipal principal, string id, long offset, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        await using var txn = await _sync.Engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var context = new OperationContext { Transaction = txn };
        var session = await SessionAsync(id, context, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        CheckSubject(principal, session);
        long received = session["received"].ToInt64();
        long length = session["length"].ToInt64();
        int chunkSize = (int)session["chunkSize"].ToInt64();
        bool accepted = false;
        if (!session["complete"].AsBoolean && offset == received && received < length)
        {
            long expected = Math.Min(chunkSize, length - offset);
            if (data.Length != expected) throw SyncProtocolException.BadValue($"chunk at {offset} must be {expected} bytes, got {data.Length}");
            await Store.PutChunkAsync(session["fileId"].AsObjectId, offset / chunkSize, data, context, cancellationToken).ConfigureAwait(false);
            received += data.Length;
            await Uploads.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", new BsonDocument("received", received)) }], null, context, cancellationToken).ConfigureAwait(false);
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            accepted = true;
        }
        else
        {
            await txn.AbortAsync(cancellationToken).ConfigureAwait(false);
            accepted = offset + data.Length <= received; // a duplicate of an acknowledged chunk
        }
        var reply = new UploadStatus(id, session["fileId"].AsObjectId, received, session["complete"].AsBoolean).ToBson();
        reply.Add("accepted", accepted);
        return reply;
    }

    /// <summary>
    /// <c>complete</c>: verifies the stored bytes against the declared SHA-256 (and MD5) and writes the GridFS files
    /// document. On a mismatch the chunks are dropped and the session restarts at offset 0 (422 <c>ChecksumMismatch</c>).
    /// Idempotent: completing a completed upload answers its status.
    /// </summary>
    public async Task<UploadStatus> CompleteAsync(SyncPrincipal principal, string id, CancellationToken cancellationToken)
    {
        var session = await SessionAsync(id, null, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        CheckSubject(principal, session);
        if (session["complete"].AsBoolean) return Status(session);
        long length = session["length"].ToInt64();
        if (session["received"].ToInt64() != length)
            throw new SyncProtocolException(409, ErrorCodes.BadValue, "UploadIncomplete", $"attachment '{id}' has {session["received"].ToInt64()} of {length} bytes");
        var fileId = session["fileId"].AsObjectId;
        var (sha256, md5) = await DigestAsync(fileId, length, (int)session["chunkSize"].ToInt64(), session["md5"] is BsonString, cancellationToken).ConfigureAwait(false);
        await using var txn = await _sync.Engine.StartTransactionAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var context = new OperationContext { Transaction = txn };
        if (sha256 != session["sha256"].AsString || (session["md5"] is BsonString expectedMd5 && md5 != expectedMd5.Value))
        {
            await Store.DeleteChunksAsync(fileId, context, cancellationToken).ConfigureAwait(false);
            await Uploads.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", new BsonDocument("received", 0L)) }], null, context, cancellationToken).ConfigureAwait(false);
            await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
            throw new SyncProtocolException(422, ErrorCodes.BadValue, "ChecksumMismatch", $"attachment '{id}': stored bytes hash to {sha256}, not {session["sha256"].AsString}; upload again from 0");
        }
        var metadata = new BsonDocument
        {
            { "sha256", sha256 }, { "attachmentId", id }, { "coll", session["coll"] }, { "docId", session["docId"] },
            { "uploadedBy", session["subject"] }, { "clientId", session["clientId"] },
        };
        if (session["contentType"] is BsonString ct) metadata.Add("contentType", ct);
        var file = new BsonDocument
        {
            { "_id", fileId }, { "length", length }, { "chunkSize", session["chunkSize"].ToInt64() is var cs && cs <= int.MaxValue ? (BsonValue)(int)cs : cs },
            { "uploadDate", DateTime.UtcNow }, { "filename", session["filename"] is BsonString fn ? fn : new BsonString(id) }, { "metadata", metadata },
        };
        if (md5 is not null) file.Add("md5", md5);
        var insert = await Store.Files.InsertAsync([file], null, context, cancellationToken).ConfigureAwait(false);
        if (insert.HasErrors) throw new MongoException(insert.WriteErrors[0].Code, insert.WriteErrors[0].Message);
        await Uploads.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", new BsonDocument("complete", true)) }], null, context, cancellationToken).ConfigureAwait(false);
        await txn.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new UploadStatus(id, fileId, length, true);
    }

    /// <summary>SHA-256 (and MD5) over the stored chunks, read a few at a time.</summary>
    private async Task<(string Sha256, string? Md5)> DigestAsync(ObjectId fileId, long length, int chunkSize, bool withMd5, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 only checks what the app asked for (GridFS's legacy md5 field), never security
        using var md5 = withMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;
#pragma warning restore CA5351
        long chunks = (length + chunkSize - 1) / chunkSize;
        const int batch = 16;
        for (long first = 0; first < chunks; first += batch)
        {
            long last = Math.Min(chunks - 1, first + batch - 1);
            var docs = await Store.ReadChunksAsync(fileId, first, last, null, cancellationToken).ConfigureAwait(false);
            if (docs.Count != last - first + 1) throw new SyncProtocolException(409, ErrorCodes.BadValue, "UploadIncomplete", "a chunk is missing");
            foreach (var doc in docs)
            {
                var data = doc["data"].AsBinary.Data.Span;
                sha.AppendData(data);
                md5?.AppendData(data);
            }
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), md5 is null ? null : Convert.ToHexStringLower(md5.GetHashAndReset()));
    }

    /// <summary><c>download</c>: a byte range of a completed attachment, with the file's size and digests for verification.</summary>
    public async Task<BsonDocument> DownloadAsync(SyncPrincipal principal, string id, long offset, int length, CancellationToken cancellationToken)
    {
        var file = await Store.FindFileAsync(new BsonDocument("metadata.attachmentId", id), null, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);
        var metadata = file["metadata"].AsDocument;
        try
        {
            await AuthorizeOwnerAsync(principal, metadata["coll"].AsString, metadata["docId"], write: false, cancellationToken).ConfigureAwait(false);
        }
        catch (SyncProtocolException)
        {
            throw NotFound(id); // the same answer whether it exists or not: nothing leaks
        }
        long total = file["length"].ToInt64();
        if (offset < 0 || offset > total) throw SyncProtocolException.BadValue($"offset must be 0..{total}");
        var data = await Store.ReadRangeAsync(file, offset, length, null, cancellationToken).ConfigureAwait(false);
        var reply = new BsonDocument
        {
            { "ok", 1 }, { "id", id }, { "fileId", file["_id"] }, { "length", total }, { "chunkSize", file["chunkSize"] }, { "sha256", metadata["sha256"] },
            { "offset", offset }, { "data", new BsonBinary(data) }, { "coll", metadata["coll"] }, { "docId", metadata["docId"] },
        };
        if (file.TryGetValue("md5", out var md5)) reply.Add("md5", md5);
        if (file.TryGetValue("filename", out var name)) reply.Add("filename", name);
        if (metadata.TryGetValue("contentType", out var ct)) reply.Add("contentType", ct);
        return reply;
    }

    /// <summary>The owning document must exist and match the collection's write (upload) or read (download) rule for this principal.</summary>
    private async Task AuthorizeOwnerAsync(SyncPrincipal principal, string collection, BsonValue documentId, bool write, CancellationToken cancellationToken)
    {
        if (!_rules.TryGetValue(collection, out var rule) || (write && rule.ReadOnly))
            throw SyncProtocolException.Forbidden("attachments of this document are not allowed");
        var bound = RuleTemplate.Bind(write ? rule.WriteFilter ?? rule.ReadFilter : rule.ReadFilter, principal);
        if (bound is null) throw SyncProtocolException.Forbidden("attachments of this document are not allowed");
        var filter = new BsonDocument("$and", new BsonArray { bound, new BsonDocument("_id", documentId) });
        long count = await _database.GetCollection(collection).CountAsync(new CountOptions { Filter = filter }, null, cancellationToken).ConfigureAwait(false);
        // One answer for "no such document" and "not yours", so probing reveals nothing.
        if (count == 0) throw SyncProtocolException.Forbidden("attachments of this document are not allowed");
    }

    private async Task<BsonDocument?> SessionAsync(string id, OperationContext? context, CancellationToken cancellationToken)
    {
        await using var cursor = await Uploads.FindAsync(new FindOptions { Filter = new BsonDocument("_id", id), Limit = 1 }, context, cancellationToken).ConfigureAwait(false);
        var list = await cursor.ToListAsync(cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    private static void CheckSubject(SyncPrincipal principal, BsonDocument session)
    {
        if (session["subject"].AsString != principal.Subject) throw SyncProtocolException.Forbidden("this upload belongs to another subject");
    }

    private static UploadStatus Status(BsonDocument session) =>
        new(session["_id"].AsString, session["fileId"].AsObjectId, session["received"].ToInt64(), session["complete"].AsBoolean);

    private static SyncProtocolException NotFound(string id) => new(404, ErrorCodes.NoSuchKey, "NoSuchKey", $"no attachment '{id}'");
}
