using System.Net;
using Microsoft.Extensions.Logging;

namespace Outpost.Wire.Transport;

/// <summary>The transport's structured log lines.</summary>
internal static partial class WireLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "wire listener on {EndPoint}")]
    public static partial void Listening(ILogger logger, EndPoint endPoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "connection {ConnectionId} accepted from {Remote}")]
    public static partial void Accepted(ILogger logger, long connectionId, EndPoint? remote);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "connection {ConnectionId} closed")]
    public static partial void Closed(ILogger logger, long connectionId);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "connection {ConnectionId} from {Remote} closed: protocol error: {Reason}")]
    public static partial void ProtocolError(ILogger logger, long connectionId, EndPoint? remote, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "connection {ConnectionId} from {Remote} closed: message of {Size} bytes exceeds the {Max} byte limit")]
    public static partial void Oversized(ILogger logger, long connectionId, EndPoint? remote, int size, int max);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "connection from {Remote} refused: {Max} connections open")]
    public static partial void TooManyConnections(ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "connection {ConnectionId} failed")]
    public static partial void ConnectionFailed(ILogger logger, long connectionId, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "connection from {Remote}: TLS handshake failed: {Reason}")]
    public static partial void TlsFailed(ILogger logger, EndPoint? remote, string reason);
}
