namespace Outpost.Sync.Protocol;

/// <summary>
/// A protocol-level failure with an HTTP status and a MongoDB-style code/codeName, carried in error bodies
/// <c>{ok: 0, code, codeName, errmsg}</c>.
/// </summary>
public sealed class SyncProtocolException(int httpStatus, int code, string codeName, string message) : Exception(message)
{
    /// <summary>The HTTP status the server answers with.</summary>
    public int HttpStatus { get; } = httpStatus;

    /// <summary>Numeric error code.</summary>
    public int Code { get; } = code;

    /// <summary>Error name.</summary>
    public string CodeName { get; } = codeName;

    /// <summary>401: missing or invalid token.</summary>
    public static SyncProtocolException Unauthorized(string message = "invalid or missing bearer token") => new(401, 13, "Unauthorized", message);

    /// <summary>403: the request is authenticated but not allowed.</summary>
    public static SyncProtocolException Forbidden(string message) => new(403, 13, "Forbidden", message);

    /// <summary>400: malformed body.</summary>
    public static SyncProtocolException BadValue(string message) => new(400, 2, "BadValue", message);

    /// <summary>410: the checkpoint is older than the retained change log; re-snapshot.</summary>
    public static SyncProtocolException HistoryLost(string message = "checkpoint is older than the retained change log") => new(410, 286, "ChangeStreamHistoryLost", message);

    /// <summary>The error body.</summary>
    public Bson.BsonDocument ToBson() => new() { { "ok", 0 }, { "code", Code }, { "codeName", CodeName }, { "errmsg", Message }, { "status", HttpStatus } };

    /// <summary>Reads an error body (or returns null when the body is a success).</summary>
    public static SyncProtocolException? FromBson(Bson.BsonDocument body)
    {
        if (body.TryGetValue("ok", out var ok) && ok.ToDouble() == 1) return null;
        return new SyncProtocolException(
            body.TryGetValue("status", out var s) ? (int)s.ToInt64() : 500,
            body.TryGetValue("code", out var c) ? (int)c.ToInt64() : 1,
            body.TryGetValue("codeName", out var n) && n is Bson.BsonString ns ? ns.Value : "InternalError",
            body.TryGetValue("errmsg", out var m) && m is Bson.BsonString ms ? ms.Value : "sync request failed");
    }
}
