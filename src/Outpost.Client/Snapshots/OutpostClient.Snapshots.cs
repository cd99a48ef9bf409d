using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Client.Transport;
using Outpost.Engine;
using Outpost.Sync.Protocol;
using Outpost.Sync.Snapshots;
using Outpost.Sync.Transport;

namespace Outpost.Client;

public sealed partial class OutpostClient
{
    /// <summary>
    /// Fast first sync: when the local database does not exist yet, asks the server to build the client's subscribed
    /// data into a ready database file, downloads it in verified ranges and puts it in place, then opens it; the client
    /// continues incrementally from the file's change-log position. When the database exists, this is
    /// <see cref="OpenAsync"/>. <paramref name="progress"/> receives the bytes downloaded so far.
    /// </summary>
    public static async Task<OutpostClient> OpenWithSnapshotAsync(ClientOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        await BootstrapFromSnapshotFileAsync(options, progress, cancellationToken).ConfigureAwait(false);
        return await OpenAsync(options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads a server-built snapshot file to <see cref="ClientOptions.DatabasePath"/> when that file does not exist.
    /// Returns the file's description, or null when a local database already exists. The file only appears under its
    /// final name once complete and verified (SHA-256), so a crash mid-download leaves nothing half-made behind.
    /// </summary>
    public static async Task<SnapshotFileInfo?> BootstrapFromSnapshotFileAsync(ClientOptions options, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var target = Path.GetFullPath(options.DatabasePath);
        if (File.Exists(target)) return null;
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var transport = options.Transport ?? (options.ServerUri is { } uri ? new HttpSyncTransport(uri) : throw new ArgumentException("ServerUri or Transport is required"));
        try
        {
            async Task<BsonDocument> CallAsync(string endpoint, BsonDocument body)
            {
                var token = options.TokenProvider is null ? null : await options.TokenProvider(cancellationToken).ConfigureAwait(false);
                var reply = await transport.SendAsync(endpoint, body, token, cancellationToken).ConfigureAwait(false);
                if (SyncProtocolException.FromBson(reply) is { } error) throw error;
                return reply;
            }

            var subs = new BsonArray();
            foreach (var s in options.Subscriptions) subs.Add(s.ToBson());
            var clientId = options.ClientId ?? ("dev-" + Guid.NewGuid().ToString("N"));
            var info = SnapshotFileInfo.FromBson(await CallAsync(SnapshotFileProtocol.Build, new BsonDocument
            {
                { "v", SyncProtocol.Version }, { "clientId", clientId }, { "subs", subs }, { "schemaVersion", options.SchemaVersion },
            }).ConfigureAwait(false));
            var part = target + ".snapshot-part";
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var file = new FileStream(part, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                if (options.Transport is null && options.ServerUri is { } server)
                {
                    var token = options.TokenProvider is null ? null : await options.TokenProvider(cancellationToken).ConfigureAwait(false);
                    await DownloadRawAsync(server, info, token, file, sha, progress, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await DownloadRangesAsync(CallAsync, info, file, sha, progress, cancellationToken).ConfigureAwait(false);
                }
                file.Flush(flushToDisk: true);
            }
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != info.Sha256)
            {
                File.Delete(part);
                throw new InvalidDataException($"snapshot file hashes to {actual}, not {info.Sha256}");
            }
            await ClaimSnapshotFileAsync(part, clientId, options.SchemaVersion, cancellationToken).ConfigureAwait(false);
            File.Move(part, target);
            return info;
        }
        finally
        {
            if (options.Transport is null && transport is IDisposable d) d.Dispose();
        }
    }

    /// <summary>Through any transport: BSON <c>read</c> requests of up to 8 MiB, each retried from its offset after a cut.</summary>
    private static async Task DownloadRangesAsync(Func<string, BsonDocument, Task<BsonDocument>> call, SnapshotFileInfo info, FileStream file, IncrementalHash sha, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        long offset = 0;
        int failures = 0;
        while (offset < info.Length)
        {
            BsonDocument reply;
            try
            {
                reply = await call(SnapshotFileProtocol.Read, new BsonDocument
                {
                    { "v", SyncProtocol.Version }, { "fileId", info.FileId }, { "offset", offset }, { "length", SnapshotFileProtocol.MaxReadBytes },
                }).ConfigureAwait(false);
            }
            catch (SyncTransportException) when (++failures < 8)
            {
                // A dropped range is asked for again from the same offset (ranges are idempotent).
                await Task.Delay(TimeSpan.FromMilliseconds(100 * failures), cancellationToken).ConfigureAwait(false);
                continue;
            }
            var data = reply["data"].AsBinary.Data;
            if (data.Length == 0) throw new SyncTransportException($"snapshot file ended at {offset} of {info.Length}");
            sha.AppendData(data.Span);
            await file.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            offset += data.Length;
            progress?.Report(offset);
        }
    }

    /// <summary>
    /// Over HTTP: one streamed GET of the raw file (the server sends it from disk), continued with a Range request
    /// after a cut — no per-range envelopes or copies.
    /// </summary>
    private static async Task DownloadRawAsync(Uri server, SnapshotFileInfo info, string? token, FileStream file, IncrementalHash sha, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var uri = new Uri(server, $"{SyncProtocol.BasePath}/{SnapshotFileProtocol.DownloadPrefix}{info.FileId}");
        var buffer = new byte[1 << 20];
        long offset = 0;
        int failures = 0;
        while (offset < info.Length)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            if (token is not null) request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            if (offset > 0) request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, null);
            try
            {
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode) throw new SyncTransportException($"snapshot file download: HTTP {(int)response.StatusCode}");
                var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                        offset += read;
                        progress?.Report(offset);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException && ++failures < 8)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100 * failures), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Makes a downloaded file this device's: the server builds one file for every client with the same subscriptions,
    /// so the client id (the node of its stamps, its outbox's owner) and the app's schema version are written here.
    /// </summary>
    private static async Task ClaimSnapshotFileAsync(string path, string clientId, int schemaVersion, CancellationToken cancellationToken)
    {
        var engine = await OutpostEngine.OpenAsync(new EngineOptions { SqlitePath = path }, cancellationToken).ConfigureAwait(false);
        await using (engine.ConfigureAwait(false))
        {
            var result = await engine.GetDatabase(SnapshotFileProtocol.SyncDatabase).GetCollection(SnapshotFileProtocol.StateCollection).UpdateAsync(
                [new UpdateStatement { Filter = new BsonDocument("_id", "state"), Update = new BsonDocument("$set", new BsonDocument { { "clientId", clientId }, { "schemaVersion", schemaVersion } }) }],
                null, null, cancellationToken).ConfigureAwait(false);
            if (result.N != 1) throw new InvalidDataException("the snapshot file has no client state");
        }
    }
}
