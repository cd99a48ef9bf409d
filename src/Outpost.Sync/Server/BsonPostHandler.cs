using Microsoft.AspNetCore.Http;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Protocol;

namespace Outpost.Sync.Server;

/// <summary>
/// Serves one BSON-bodied POST of the sync endpoints (core, attachments, snapshot files): bearer token, BSON in and
/// out, the HTTP status taken from an error body's <c>status</c>.
/// </summary>
internal static class BsonPostHandler
{
    public static async Task HandleAsync(HttpContext http, int maxBodyBytes,
        Func<BsonDocument, string?, CancellationToken, Task<BsonDocument>> handler)
    {
        BsonDocument reply;
        try
        {
            var body = await ReadBodyAsync(http.Request, maxBodyBytes, http.RequestAborted).ConfigureAwait(false);
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

    private static async Task<BsonDocument> ReadBodyAsync(HttpRequest request, int maxBodyBytes, CancellationToken cancellationToken)
    {
        int capacity = request.ContentLength is long length && length > 0 && length <= maxBodyBytes ? (int)length : 64 * 1024;
        using var buffer = new MemoryStream(capacity);
        var chunk = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBodyBytes) throw new InvalidOperationException("body too large");
            buffer.Write(chunk, 0, read);
        }
        return BsonSerializer.Deserialize(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return header[7..].Trim();
        var query = request.Query["access_token"].ToString();
        return string.IsNullOrEmpty(query) ? null : query;
    }
}
