using System.Security.Cryptography;
using Outpost.Bson;
using Outpost.Client;
using Outpost.Client.Attachments;
using Outpost.Client.Policies;
using Outpost.Engine;
using Outpost.Sync.Attachments;
using Outpost.Sync.Protocol;
using Outpost.Sync.Transport;

namespace Outpost.Sync.Tests.Attachments;

public sealed class AttachmentUploadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_25MB_upload_cut_at_random_offsets_with_a_client_restart_completes_with_a_matching_sha256()
    {
        int seed = Environment.TickCount;
        try
        {
            await RunCutUploadAsync(seed);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"failed with seed {seed}: {e.Message}", e);
        }
    }

    private static async Task RunCutUploadAsync(int seed)
    {
        var random = new Random(seed);
        await using var server = await AttachmentTestServer.StartAsync();
        var transport = new InProcessTransport(server);
        var options = server.Device("tablet-1", "PAINT", transport);
        var content = new byte[25 * 1024 * 1024];
        random.NextBytes(content);
        var expectedSha = Convert.ToHexStringLower(SHA256.HashData(content));

        var cuts = new List<long>();
        for (int i = 0; i < 5; i++) cuts.Add(random.NextInt64(content.Length));
        cuts.Sort();
        long delivered = 0;
        int dropsBeforeServer = 0, dropsAfterServer = 0;
        transport.Fault = (endpoint, body) =>
        {
            if (endpoint != AttachmentProtocol.Chunk) return Delivery.Deliver;
            long end = body["offset"].ToInt64() + body["data"].AsBinary.Data.Length;
            if (cuts.Count > 0 && end > cuts[0])
            {
                cuts.RemoveAt(0);
                // Half the cuts lose the request, half lose the reply after the server stored the chunk.
                if (random.Next(2) == 0)
                {
                    dropsBeforeServer++;
                    return Delivery.DropRequest;
                }
                dropsAfterServer++;
                delivered += body["data"].AsBinary.Data.Length;
                return Delivery.DropReply;
            }
            delivered += body["data"].AsBinary.Data.Length;
            return Delivery.Deliver;
        };

        var client = await OutpostClient.OpenAsync(options, cancellationToken: Ct);
        try
        {
            await client.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "p1" }, { "dept", "PAINT" }, { "title", "door panel" } }, cancellationToken: Ct);
            var info = await client.Attachments.AddAsync("photos", "p1", new MemoryStream(content), "panel.bin", "application/octet-stream", cancellationToken: Ct);
            Assert.Equal(expectedSha, info.Sha256);
            // Metadata before binaries: while the document's insert is in the outbox, its attachment waits.
            Assert.Equal(0, await client.Attachments.UploadPendingAsync(cancellationToken: Ct));
            Assert.Equal(0L, delivered);
            await client.SyncNowAsync(cancellationToken: Ct);

            int failures = 0, restarts = 0;
            while (true)
            {
                try
                {
                    if (await client.Attachments.UploadPendingAsync(cancellationToken: Ct) == 1) break;
                }
                catch (SyncTransportException)
                {
                    failures++;
                    if (failures == 2)
                    {
                        // An app restart mid-upload: nothing in memory survives; the record and blob on disk do.
                        await client.DisposeAsync();
                        client = await OutpostClient.OpenAsync(options, cancellationToken: Ct);
                        restarts++;
                    }
                }
                Assert.True(failures <= 5, "more failures than cuts");
            }
            Assert.Equal(5, failures);
            Assert.Equal(1, restarts);
            Assert.Equal(5, dropsBeforeServer + dropsAfterServer);
            // Resumed from the acknowledged offset: at most the chunks in flight at each cut were sent twice.
            Assert.True(delivered <= content.Length + 5L * AttachmentProtocol.DefaultChunkSize, $"sent {delivered} bytes for {content.Length}");

            var local = await client.Attachments.GetAsync(info.Id, cancellationToken: Ct);
            Assert.Equal(AttachmentState.Uploaded, local!.State);
            Assert.Equal(content.Length, local.Acknowledged);

            var file = await server.Attachments.Store.FindFileAsync(new BsonDocument("metadata.attachmentId", info.Id), null, Ct);
            Assert.NotNull(file);
            Assert.Equal(expectedSha, file["metadata"].AsDocument["sha256"].AsString);
            Assert.Equal((long)content.Length, file["length"].ToInt64());
            Assert.Equal(AttachmentProtocol.DefaultChunkSize, file["chunkSize"].ToInt64());
            var stored = await ReadThroughEngineAsync(server.Engine, file);
            Assert.Equal(expectedSha, Convert.ToHexStringLower(SHA256.HashData(stored)));
            Assert.True(content.AsSpan().SequenceEqual(stored));
        }
        finally
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_GridFS_copy_reads_back_byte_for_byte_and_another_device_downloads_it_verified_in_ranges()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        var content = new byte[1024 * 1024 + 17];
        new Random(7).NextBytes(content);
#pragma warning disable CA5351 // the app-supplied legacy GridFS md5 is what is under test
        var md5 = Convert.ToHexStringLower(MD5.HashData(content));
#pragma warning restore CA5351
        await using var writer = await OutpostClient.OpenAsync(server.Device("tablet-a", "PAINT"), cancellationToken: Ct);
        writer.ConfigureAttachments(new AttachmentOptions { ChunkSize = 64 * 1024 });
        await writer.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "p2" }, { "dept", "PAINT" } }, cancellationToken: Ct);
        await writer.SyncNowAsync(cancellationToken: Ct);
        var info = await writer.Attachments.AddAsync("photos", "p2", new MemoryStream(content), "p2.jpg", "image/jpeg", md5, cancellationToken: Ct);
        await new AttachmentUploadLane(SyncPriority.LargeBinaries).RunAsync(writer, Ct);
        Assert.Equal(AttachmentState.Uploaded, (await writer.Attachments.GetAsync(info.Id, cancellationToken: Ct))!.State);

        // The GridFS layout, as a driver's GridFSBucket expects it.
        var file = await server.Attachments.Store.FindFileAsync(new BsonDocument("metadata.attachmentId", info.Id), null, Ct);
        Assert.NotNull(file);
        Assert.Equal(md5, file["md5"].AsString);
        Assert.Equal("p2.jpg", file["filename"].AsString);
        Assert.Equal(BsonType.Int32, file["chunkSize"].Type);
        Assert.Equal(BsonType.DateTime, file["uploadDate"].Type);
        Assert.Equal("image/jpeg", file["metadata"].AsDocument["contentType"].AsString);
        var stored = await ReadThroughEngineAsync(server.Engine, file);
        Assert.True(content.AsSpan().SequenceEqual(stored));

        // Another device of the department downloads on demand, in ranges that do not align with chunks, across a cut.
        var transport = new InProcessTransport(server);
        int downloads = 0;
        transport.Fault = (endpoint, _) => endpoint == AttachmentProtocol.Download && ++downloads == 2 ? Delivery.DropReply : Delivery.Deliver;
        await using var reader = await OutpostClient.OpenAsync(server.Device("tablet-b", "PAINT", transport), cancellationToken: Ct);
        reader.ConfigureAttachments(new AttachmentOptions { DownloadRangeSize = 100_000 });
        await reader.SyncNowAsync(cancellationToken: Ct);
        await Assert.ThrowsAsync<SyncTransportException>(() => reader.Attachments.DownloadAsync(info.Id, cancellationToken: Ct));
        await using (var stream = await reader.Attachments.OpenReadAsync(info.Id, cancellationToken: Ct))
        {
            var copy = new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken: Ct);
            Assert.True(content.AsSpan().SequenceEqual(copy.ToArray()));
        }
        var cached = await reader.Attachments.GetAsync(info.Id, cancellationToken: Ct);
        Assert.Equal(AttachmentState.Cached, cached!.State);
        Assert.Equal(info.Sha256, cached.Sha256);
        Assert.Equal("photos", cached.Collection);
        Assert.True(await reader.Attachments.EvictAsync(info.Id, cancellationToken: Ct));
        Assert.Null(await reader.Attachments.GetAsync(info.Id, cancellationToken: Ct));
    }

    [Fact]
    public async Task A_device_of_another_department_can_neither_upload_to_nor_download_from_a_document_outside_its_rules()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        await using var paint = await OutpostClient.OpenAsync(server.Device("tablet-p", "PAINT"), cancellationToken: Ct);
        await paint.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "p3" }, { "dept", "PAINT" } }, cancellationToken: Ct);
        await paint.SyncNowAsync(cancellationToken: Ct);
        var info = await paint.Attachments.AddAsync("photos", "p3", new MemoryStream(new byte[5000]), cancellationToken: Ct);
        Assert.Equal(1, await paint.Attachments.UploadPendingAsync(cancellationToken: Ct));

        await using var qa = await OutpostClient.OpenAsync(server.Device("tablet-q", "QA"), cancellationToken: Ct);
        var download = await Assert.ThrowsAsync<SyncProtocolException>(() => qa.Attachments.DownloadAsync(info.Id, cancellationToken: Ct));
        Assert.Equal(404, download.HttpStatus);
        // Attaching to a PAINT document, and to one that does not exist, get the same answer.
        await qa.Attachments.AddAsync("photos", "p3", new MemoryStream(new byte[10]), cancellationToken: Ct);
        var upload = await Assert.ThrowsAsync<SyncProtocolException>(() => qa.Attachments.UploadPendingAsync(cancellationToken: Ct));
        Assert.Equal(403, upload.HttpStatus);
        var forged = await server.Attachments.HandleAsync(AttachmentProtocol.Chunk,
            new BsonDocument { { "v", 1 }, { "id", info.Id }, { "offset", 0L }, { "data", new BsonBinary(new byte[10]) } }, "tablet-q|QA", Ct);
        Assert.Equal(403, forged["status"].ToInt64());
    }

    [Fact]
    public async Task Completion_refuses_bytes_that_do_not_match_the_declared_sha256_and_restarts_the_upload()
    {
        await using var server = await AttachmentTestServer.StartAsync();
        await using var client = await OutpostClient.OpenAsync(server.Device("tablet-x", "PAINT"), cancellationToken: Ct);
        await client.Collection("photos").InsertOneAsync(new BsonDocument { { "_id", "p4" }, { "dept", "PAINT" } }, cancellationToken: Ct);
        await client.SyncNowAsync(cancellationToken: Ct);
        const string token = "tablet-x|PAINT";
        var descriptor = new AttachmentDescriptor("att-bad", "photos", "p4", 2048, 1024, new string('a', 64));
        var begin = descriptor.ToBson();
        begin.Add("v", 1);
        begin.Add("clientId", "tablet-x");
        Assert.Equal(1, (await server.Attachments.HandleAsync(AttachmentProtocol.Begin, begin, token, Ct))["ok"].ToInt64());
        for (long offset = 0; offset < 2048; offset += 1024)
        {
            var reply = await server.Attachments.HandleAsync(AttachmentProtocol.Chunk,
                new BsonDocument { { "v", 1 }, { "id", "att-bad" }, { "offset", offset }, { "data", new BsonBinary(new byte[1024]) } }, token, Ct);
            Assert.True(reply["accepted"].AsBoolean);
        }
        var complete = await server.Attachments.HandleAsync(AttachmentProtocol.Complete, new BsonDocument { { "v", 1 }, { "id", "att-bad" } }, token, Ct);
        Assert.Equal("ChecksumMismatch", complete["codeName"].AsString);
        Assert.Null(await server.Attachments.Store.FindFileAsync(new BsonDocument("metadata.attachmentId", "att-bad"), null, Ct));
        var again = await server.Attachments.HandleAsync(AttachmentProtocol.Begin, begin, token, Ct);
        Assert.Equal(0L, again["received"].ToInt64());
    }

    /// <summary>Reads a GridFS file the way a driver does: the files document, then its chunks by n.</summary>
    internal static async Task<byte[]> ReadThroughEngineAsync(OutpostEngine engine, BsonDocument file)
    {
        var chunks = engine.GetDatabase("app").GetCollection("fs.chunks");
        await using var cursor = await chunks.FindAsync(new FindOptions { Filter = new BsonDocument("files_id", file["_id"]), Sort = new BsonDocument("n", 1) }, cancellationToken: Ct);
        var output = new MemoryStream();
        int expectedN = 0;
        long chunkSize = file["chunkSize"].ToInt64();
        await foreach (var chunk in cursor)
        {
            Assert.Equal(BsonType.Int32, chunk["n"].Type);
            Assert.Equal(expectedN++, chunk["n"].AsInt32);
            var data = chunk["data"].AsBinary.Data;
            Assert.True(data.Length == chunkSize || output.Length + data.Length == file["length"].ToInt64());
            output.Write(data.Span);
        }
        Assert.Equal(file["length"].ToInt64(), output.Length);
        return output.ToArray();
    }
}
