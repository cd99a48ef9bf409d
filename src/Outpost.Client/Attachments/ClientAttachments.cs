using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Engine;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Client.Attachments;

/// <summary>
/// Attachments on a device: the bytes live in a local blob store on disk (one file per attachment, written and
/// flushed before the attachment is recorded), their records in the local collection <c>outpost_sync.attachments</c>.
/// Uploads are resumable: the server acknowledges each chunk, and after a dropped connection or an app restart
/// <see cref="UploadPendingAsync"/> asks the server for the acknowledged offset and continues from there. Downloads
/// are on demand, in byte ranges, resumable, and verified by SHA-256 before they enter the cache.
/// </summary>
public sealed class ClientAttachments
{
    private const string RecordsCollection = "attachments";
    private readonly OutpostClient _client;
    private readonly string _blobs;
    private readonly string _partial;
    private readonly SemaphoreSlim _uploading = new(1, 1);

    internal ClientAttachments(OutpostClient client, AttachmentOptions options, string defaultDirectory)
    {
        _client = client;
        Options = options;
        Directory = options.Directory ?? defaultDirectory;
        _blobs = Path.Combine(Directory, "blobs");
        _partial = Path.Combine(Directory, "partial");
        System.IO.Directory.CreateDirectory(_blobs);
        System.IO.Directory.CreateDirectory(_partial);
    }

    /// <summary>The options.</summary>
    public AttachmentOptions Options { get; }

    /// <summary>The local blob store's folder.</summary>
    public string Directory { get; }

    /// <summary>Raised after each acknowledged upload chunk and each downloaded range.</summary>
    public event EventHandler<AttachmentProgress>? Progress;

    private Collection Records => _client.SyncDb.GetCollection(RecordsCollection);

    private string BlobPath(string id) => Path.Combine(_blobs, SafeName(id));

    private string PartialPath(string id) => Path.Combine(_partial, SafeName(id));

    // Ids come from devices (and the server): never let one escape the folder.
    private static string SafeName(string id)
    {
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) throw new ArgumentException($"attachment id '{id}' may only hold letters, digits, '-' and '_'");
        }
        return id;
    }

    /// <summary>
    /// Stores <paramref name="content"/> as a new attachment of document <paramref name="documentId"/> of
    /// <paramref name="collection"/> and queues its upload. Always works offline. When the app supplies
    /// <paramref name="md5"/> (hex) the content is checked against it now and the server checks it again on completion.
    /// </summary>
    public async Task<AttachmentInfo> AddAsync(string collection, BsonValue documentId, Stream content, string? fileName = null, string? contentType = null, string? md5 = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentNullException.ThrowIfNull(documentId);
        ArgumentNullException.ThrowIfNull(content);
        var id = Guid.NewGuid().ToString("N");
        var path = BlobPath(id);
        var temp = path + ".tmp";
        string sha256;
        string? md5Actual = null;
        long length = 0;
        try
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 only checks what the app asked for (GridFS's legacy md5 field), never security
            using var md5Hash = md5 is null ? null : IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    md5Hash?.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                }
                // The bytes must be on disk before the record says the attachment exists (a crash must not leave a record without its file).
                file.Flush(flushToDisk: true);
            }
            sha256 = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (md5Hash is not null)
            {
                md5Actual = Convert.ToHexStringLower(md5Hash.GetHashAndReset());
                if (!string.Equals(md5Actual, md5, StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"the content's MD5 is {md5Actual}, not {md5}");
            }
            File.Move(temp, path);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        var info = new AttachmentInfo(id, collection, documentId, length, sha256, md5Actual, fileName, contentType, AttachmentState.Pending, 0);
        await Records.InsertAsync([ToRecord(info, Options.ChunkSize)], null, null, cancellationToken).ConfigureAwait(false);
        _client.WakeSync();
        return info;
    }

    /// <summary>The attachment's record on this device, or null.</summary>
    public async Task<AttachmentInfo?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = await RecordAsync(id, cancellationToken).ConfigureAwait(false);
        return record is null ? null : FromRecord(record);
    }

    /// <summary>Every attachment this device knows, optionally only those in <paramref name="state"/>.</summary>
    public async Task<IReadOnlyList<AttachmentInfo>> ListAsync(AttachmentState? state = null, CancellationToken cancellationToken = default)
    {
        var filter = state is { } s ? new BsonDocument("state", StateName(s)) : new BsonDocument();
        var records = await OutpostClient.FindAsync(Records, filter, null, cancellationToken, new BsonDocument("created", 1)).ConfigureAwait(false);
        var list = new List<AttachmentInfo>(records.Count);
        foreach (var r in records) list.Add(FromRecord(r));
        return list;
    }

    /// <summary>
    /// Uploads every pending attachment (that <paramref name="filter"/> accepts) whose document has reached the server,
    /// resuming each from the server's acknowledged offset. Returns how many completed. Transport failures throw (the
    /// sync loop backs off); everything acknowledged before stays acknowledged.
    /// </summary>
    public async Task<int> UploadPendingAsync(Func<AttachmentInfo, bool>? filter = null, CancellationToken cancellationToken = default)
    {
        await _uploading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            int completed = 0;
            foreach (var info in await ListAsync(AttachmentState.Pending, cancellationToken).ConfigureAwait(false))
            {
                if (filter is not null && !filter(info)) continue;
                if (await _client.HasPendingOperationsAsync(info.Collection!, info.DocumentId!, cancellationToken).ConfigureAwait(false)) continue;
                await UploadAsync(info, cancellationToken).ConfigureAwait(false);
                completed++;
            }
            return completed;
        }
        finally
        {
            _uploading.Release();
        }
    }

    private async Task UploadAsync(AttachmentInfo info, CancellationToken cancellationToken)
    {
        var record = await RecordAsync(info.Id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"attachment '{info.Id}' vanished");
        int chunkSize = (int)record["chunkSize"].ToInt64();
        var descriptor = new AttachmentDescriptor(info.Id, info.Collection!, info.DocumentId!, info.Length, chunkSize, info.Sha256, info.Md5, info.FileName, info.ContentType);
        var begin = descriptor.ToBson();
        begin.Add("v", SyncProtocol.Version);
        begin.Add("clientId", _client.ClientId);
        // Asking is how we resume: the server's acknowledged offset is the truth, whatever we recorded before a crash.
        var status = UploadStatus.FromBson(await _client.CallServerAsync(AttachmentProtocol.Begin, begin, cancellationToken).ConfigureAwait(false));
        long received = status.Received;
        if (!status.Complete && received < info.Length)
        {
            var file = new FileStream(BlobPath(info.Id), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[chunkSize];
                while (received < info.Length)
                {
                    int size = (int)Math.Min(chunkSize, info.Length - received);
                    file.Position = received;
                    await file.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                    var reply = await _client.CallServerAsync(AttachmentProtocol.Chunk, new BsonDocument
                    {
                        { "v", SyncProtocol.Version }, { "id", info.Id }, { "offset", received }, { "data", new BsonBinary(buffer.AsSpan(0, size)) },
                    }, cancellationToken).ConfigureAwait(false);
                    long acknowledged = reply["received"].ToInt64();
                    if (acknowledged == received && !reply["accepted"].AsBoolean)
                        throw new SyncTransportException($"the server did not accept the chunk at {received} of attachment '{info.Id}'");
                    received = acknowledged;
                    await SetAsync(info.Id, new BsonDocument("acked", received), cancellationToken).ConfigureAwait(false);
                    Progress?.Invoke(this, new AttachmentProgress(info.Id, true, received, info.Length));
                }
            }
        }
        if (!status.Complete)
            await _client.CallServerAsync(AttachmentProtocol.Complete, new BsonDocument { { "v", SyncProtocol.Version }, { "id", info.Id } }, cancellationToken).ConfigureAwait(false);
        await SetAsync(info.Id, new BsonDocument { { "state", StateName(AttachmentState.Uploaded) }, { "acked", info.Length }, { "fileId", status.FileId } }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the attachment's bytes for reading: the local copy when this device has one, otherwise it is downloaded
    /// first (resuming a broken download, verified by SHA-256 and MD5) into the local cache.
    /// </summary>
    public async Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(id);
        if (!File.Exists(path)) await DownloadAsync(id, cancellationToken).ConfigureAwait(false);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
    }

    /// <summary>Downloads the attachment into the local cache (no-op when it is already local).</summary>
    public async Task DownloadAsync(string id, CancellationToken cancellationToken = default)
    {
        var path = BlobPath(id);
        if (File.Exists(path)) return;
        var partial = PartialPath(id);
        BsonDocument? first = null;
        var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            long offset = file.Length; // resume after what an earlier attempt wrote
            long total = long.MaxValue;
            file.Position = offset;
            while (offset < total)
            {
                var reply = await _client.CallServerAsync(AttachmentProtocol.Download, new BsonDocument
                {
                    { "v", SyncProtocol.Version }, { "id", id }, { "offset", offset }, { "length", Options.DownloadRangeSize },
                }, cancellationToken).ConfigureAwait(false);
                first ??= reply;
                total = reply["length"].ToInt64();
                if (offset > total) throw new InvalidDataException($"attachment '{id}': local partial copy is longer than the file");
                var data = reply["data"].AsBinary.Data;
                if (data.Length == 0 && offset < total) throw new SyncTransportException($"attachment '{id}': empty range at {offset}");
                await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
                offset += data.Length;
                Progress?.Invoke(this, new AttachmentProgress(id, false, offset, total));
            }
            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var sha256 = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
            string? md5 = null;
            if (first!.TryGetValue("md5", out var expectedMd5) && expectedMd5 is BsonString)
            {
                file.Position = 0;
#pragma warning disable CA5351 // verifying GridFS's legacy md5 field the app asked for, never security
                md5 = Convert.ToHexStringLower(await MD5.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
#pragma warning restore CA5351
            }
            if (sha256 != first["sha256"].AsString || (md5 is not null && md5 != first["md5"].AsString))
            {
                file.SetLength(0); // a bad copy is never kept, and never resumed from
                throw new InvalidDataException($"attachment '{id}': downloaded bytes hash to {sha256}, not {first["sha256"].AsString}");
            }
            file.Flush(flushToDisk: true);
        }
        File.Move(partial, path, overwrite: true);
        var info = new AttachmentInfo(id, first["coll"] is BsonString c ? c.Value : null, first.TryGetValue("docId", out var d) ? d : null, first["length"].ToInt64(),
            first["sha256"].AsString, first.TryGetValue("md5", out var m) && m is BsonString ms ? ms.Value : null,
            first.TryGetValue("filename", out var f) && f is BsonString fs ? fs.Value : null, first.TryGetValue("contentType", out var ct) && ct is BsonString cts ? cts.Value : null,
            AttachmentState.Cached, first["length"].ToInt64());
        if (await RecordAsync(id, cancellationToken).ConfigureAwait(false) is null)
            await Records.InsertAsync([ToRecord(info, (int)first["chunkSize"].ToInt64())], null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops a downloaded copy from the cache (attachments this device added are kept: they are the originals).</summary>
    public async Task<bool> EvictAsync(string id, CancellationToken cancellationToken = default)
    {
        var record = await RecordAsync(id, cancellationToken).ConfigureAwait(false);
        if (record is null || record["state"].AsString != StateName(AttachmentState.Cached)) return false;
        await Records.DeleteAsync([new DeleteStatement { Filter = new BsonDocument("_id", id), Limit = 1 }], null, null, cancellationToken).ConfigureAwait(false);
        File.Delete(BlobPath(id));
        return true;
    }

    private async Task<BsonDocument?> RecordAsync(string id, CancellationToken cancellationToken) =>
        (await OutpostClient.FindAsync(Records, new BsonDocument("_id", id), null, cancellationToken).ConfigureAwait(false)).FirstOrDefault();

    private Task SetAsync(string id, BsonDocument set, CancellationToken cancellationToken) =>
        Records.UpdateAsync([new UpdateStatement { Filter = new BsonDocument("_id", id), Update = new BsonDocument("$set", set) }], null, null, cancellationToken);

    private static string StateName(AttachmentState state) => state.ToString().ToLowerInvariant();

    private static BsonDocument ToRecord(AttachmentInfo info, int chunkSize) => new()
    {
        { "_id", info.Id }, { "coll", (BsonValue?)info.Collection ?? BsonNull.Value }, { "docId", info.DocumentId ?? BsonNull.Value }, { "length", info.Length },
        { "chunkSize", chunkSize }, { "sha256", info.Sha256 }, { "md5", (BsonValue?)info.Md5 ?? BsonNull.Value }, { "filename", (BsonValue?)info.FileName ?? BsonNull.Value },
        { "contentType", (BsonValue?)info.ContentType ?? BsonNull.Value }, { "state", StateName(info.State) }, { "acked", info.Acknowledged }, { "created", DateTime.UtcNow },
    };

    private static AttachmentInfo FromRecord(BsonDocument r) => new(
        r["_id"].AsString, r["coll"] is BsonString c ? c.Value : null, r["docId"] is BsonNull ? null : r["docId"], r["length"].ToInt64(), r["sha256"].AsString,
        r["md5"] is BsonString m ? m.Value : null, r["filename"] is BsonString f ? f.Value : null, r["contentType"] is BsonString ct ? ct.Value : null,
        Enum.Parse<AttachmentState>(r["state"].AsString, ignoreCase: true), r["acked"].ToInt64());
}
