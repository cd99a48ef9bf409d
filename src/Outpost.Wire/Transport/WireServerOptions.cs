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
    /// How plain-TCP connections are served (docs/decisions/024): <see cref="WireTransportMode.Adaptive"/> by default — a
    /// thread per busy connection with blocking socket calls (less server CPU per small request than pipes on the thread
    /// pool), moved to the pipes-like asynchronous path when idle, so thousands of idle connections hold no threads.
    /// </summary>
    public WireTransportMode Transport { get; set; } = WireTransportMode.Adaptive;

    /// <summary>
    /// Compatibility view of <see cref="Transport"/>: true for a thread per connection
    /// (<see cref="WireTransportMode.Threads"/> or <see cref="WireTransportMode.Adaptive"/>); setting it picks
    /// <see cref="WireTransportMode.Threads"/> or <see cref="WireTransportMode.Pipes"/>.
    /// </summary>
    public bool ThreadPerConnection
    {
        get => Transport != WireTransportMode.Pipes;
        set => Transport = value ? WireTransportMode.Threads : WireTransportMode.Pipes;
    }

    /// <summary>
    /// <see cref="WireTransportMode.Adaptive"/>: a connection that receives nothing for this long gives its thread back
    /// and continues on asynchronous receives (drivers' pooled and monitoring connections idle most of the time).
    /// </summary>
    public TimeSpan ThreadIdleTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <see cref="WireTransportMode.Adaptive"/>: most connections served by their own thread at once; connections
    /// accepted beyond it start on the asynchronous path.
    /// </summary>
    public int MaxConnectionThreads { get; set; } = 256;

    /// <summary>How long a graceful stop waits for in-flight requests before closing connections.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
