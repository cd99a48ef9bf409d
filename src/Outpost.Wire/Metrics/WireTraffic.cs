namespace Outpost.Wire.Metrics;

/// <summary>
/// Network totals of one wire server for serverStatus' <c>network</c> section and /metrics, counted per message by
/// every connection. "Logical" bytes are messages as the protocol sees them (after decompression); "physical" bytes
/// are what crossed the socket (compressed frames as sent) — they differ only for OP_COMPRESSED traffic.
/// </summary>
public sealed class WireTraffic
{
    private long _bytesIn, _bytesOut, _physicalBytesIn, _physicalBytesOut, _requests;

    /// <summary>Message bytes received, after decompression.</summary>
    public long BytesIn => Interlocked.Read(ref _bytesIn);

    /// <summary>Message bytes sent, before compression.</summary>
    public long BytesOut => Interlocked.Read(ref _bytesOut);

    /// <summary>Frame bytes received from the sockets.</summary>
    public long PhysicalBytesIn => Interlocked.Read(ref _physicalBytesIn);

    /// <summary>Frame bytes written to the sockets.</summary>
    public long PhysicalBytesOut => Interlocked.Read(ref _physicalBytesOut);

    /// <summary>Requests received (well-formed frames handed to the command handler).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Counts one received request.</summary>
    public void Received(int logicalBytes, int physicalBytes)
    {
        Interlocked.Add(ref _bytesIn, logicalBytes);
        Interlocked.Add(ref _physicalBytesIn, physicalBytes);
        Interlocked.Increment(ref _requests);
    }

    /// <summary>Counts one sent reply.</summary>
    public void Sent(int logicalBytes, int physicalBytes)
    {
        Interlocked.Add(ref _bytesOut, logicalBytes);
        Interlocked.Add(ref _physicalBytesOut, physicalBytes);
    }
}
