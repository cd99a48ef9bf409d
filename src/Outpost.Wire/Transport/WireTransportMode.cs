namespace Outpost.Wire.Transport;

/// <summary>How plain-TCP connections are served (TLS connections always use <see cref="Pipes"/>); docs/decisions/024.</summary>
public enum WireTransportMode
{
    /// <summary>
    /// Each connection runs on its own thread with blocking socket calls while it is busy, and moves to asynchronous
    /// receives on the thread pool when it idles longer than <see cref="WireServerOptions.ThreadIdleTimeout"/>, when a
    /// command goes asynchronous (awaitable hello, awaitData, PostgreSQL), or when
    /// <see cref="WireServerOptions.MaxConnectionThreads"/> threads are taken. Busy connections get the low per-request
    /// cost of <see cref="Threads"/>; idle driver-pool and monitoring connections hold no thread, as with <see cref="Pipes"/>.
    /// </summary>
    Adaptive,

    /// <summary>System.IO.Pipelines over the thread pool for every connection.</summary>
    Pipes,

    /// <summary>A thread per connection for its whole life, as mongod (docs/decisions/019).</summary>
    Threads,
}
