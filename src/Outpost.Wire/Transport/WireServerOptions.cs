using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Outpost.Wire.Transport;

/// <summary>Settings of the wire protocol listener.</summary>
public sealed class WireServerOptions
{
    /// <summary>Largest accepted message, header included (MongoDB's maxMessageSizeBytes).</summary>
    public const int DefaultMaxMessageSize = 48_000_000;

    /// <summary>Address and port to listen on; port 0 picks an ephemeral port.</summary>
    public IPEndPoint EndPoint { get; set; } = new(IPAddress.Loopback, 27017);

    /// <summary>Largest accepted message; larger frames close the connection.</summary>
    public int MaxMessageSize { get; set; } = DefaultMaxMessageSize;

    /// <summary>Open connections allowed at once; further ones are closed on accept.</summary>
    public int MaxConnections { get; set; } = 1000;

    /// <summary>When set, every connection is TLS with this server certificate (which must hold its private key).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Serves each plain-TCP connection on its own thread with blocking socket calls (as mongod does) instead of
    /// pipes on the thread pool: less server CPU per small request (docs/decisions/019). TLS connections always use
    /// pipes. Each open connection then holds a thread, bounded by <see cref="MaxConnections"/>. Off by default:
    /// pipes keep thousands of mostly idle driver connections cheap; `outpost serve --transport threads` opts in.
    /// </summary>
    public bool ThreadPerConnection { get; set; }

    /// <summary>How long a graceful stop waits for in-flight requests before closing connections.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
