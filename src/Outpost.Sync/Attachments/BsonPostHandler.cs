using Microsoft.AspNetCore.Http;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;

namespace Outpost.Sync.Attachments;

/// <summary>
/// Serves one BSON-bodied POST for the attachment and snapshot-file endpoints, with the same conventions as the core
/// sync endpoints: bearer token, BSON in and out, the HTTP status taken from an error body's <c>status</c>.
/// </summary>
internal static class BsonPostHandler
{
    /// <summary>A chunk of up to 8 MiB plus its envelope.</summary>
    private const int MaxBodyBytes = AttachmentProtocol.MaxChunkSize + 64 * 1024;

    public static async Task HandleAsync(HttpContext http, Func<BsonDocument, string?, CancellationToken, Task<BsonDocument>> handler)
    {
        BsonDocument reply;
        try
        {
            var body = await ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
            reply = await handler(body, BearerToken(http.Request), http.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException)
        {
            reply = SyncProtocolException.BadValue("body is not a BSON document: " + e.Message).ToBson();
        }
        http.Response.StatusCode = reply.TryGetValue("status", out var status) && reply["ok"].ToDouble() != 1 ? (int)status.ToInt64() : 200;
        http.Response.ContentType = SyncProtocol.ContentType;
        var bytes = BsonSerializer.Serialize(reply);
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
    }

    private static async Task<BsonDocument> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        int capacity = request.ContentLength is > 0 and <= MaxBodyBytes ? (int)request.ContentLength.Value : 64 * 1024;
        using var buffer = new MemoryStream(capacity);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new InvalidOperationException("body too large");
            buffer.Write(chunk, 0, read);
        }
        return BsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        var query = request.Query["access_token"].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
