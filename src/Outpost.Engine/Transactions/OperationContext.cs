using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>
/// Per-operation context the wire layer passes with every call: the session's transaction (if any), the deadline
/// derived from maxTimeMS (exceeding it fails with code 50 MaxTimeMSExpired) and the comment.
/// </summary>
public sealed class OperationContext
{
    /// <summary>A context with no session, no transaction and no deadline.</summary>
    public static OperationContext None { get; } = new();

    /// <summary>The logical session id (lsid) document, when the operation runs in a session.</summary>
    public BsonDocument? Session { get; init; }

    /// <summary>The multi-document transaction this operation runs in; null for an auto-committed operation.</summary>
    public EngineTransaction? Transaction { get; init; }

    /// <summary>UTC instant after which the operation fails with MaxTimeMSExpired (50); null for no limit.</summary>
    public DateTime? Deadline { get; init; }

    /// <summary>The command's comment (shown in change events / profiler), if any.</summary>
    public BsonValue? Comment { get; init; }

    /// <summary>The client's address as the profiler reports it (<c>client</c>); null reports 127.0.0.1.</summary>
    public string? Client { get; init; }

    /// <summary>The driver's appName from the handshake, for the profiler (<c>appName</c>).</summary>
    public string? AppName { get; init; }

    /// <summary>Creates a context whose deadline is <paramref name="maxTimeMs"/> from now (0 or less means none).</summary>
    public static OperationContext WithMaxTime(long maxTimeMs, EngineTransaction? transaction = null) => new()
    {
        Transaction = transaction,
        Deadline = maxTimeMs > 0 ? DateTime.UtcNow.AddMilliseconds(maxTimeMs) : null,
    };

    /// <summary>Throws MaxTimeMSExpired (50) once the deadline has passed.</summary>
    public void ThrowIfExpired()
    {
        if (Deadline is { } deadline && DateTime.UtcNow > deadline)
            throw new MongoException(ErrorCodes.MaxTimeMSExpired, "operation exceeded time limit");
    }
}
