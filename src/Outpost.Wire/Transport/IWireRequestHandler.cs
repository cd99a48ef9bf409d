using Outpost.Wire.Protocol;

namespace Outpost.Wire.Transport;

/// <summary>What the transport hands decoded requests to: the command layer.</summary>
public interface IWireRequestHandler
{
    /// <summary>
    /// Handles one request. Replies go through <see cref="WireConnection.SendAsync"/>; the request's memory is valid
    /// only until the returned task completes. Requests of one connection are handled one at a time, in order.
    /// </summary>
    ValueTask HandleAsync(WireConnection connection, WireRequest request, CancellationToken cancellationToken);

    /// <summary>Called once when a connection ends, so per-connection state (cursors, auth) can be released.</summary>
    void OnConnectionClosed(WireConnection connection);
}
