namespace Outpost.Sync.Tests.Simulation;

/// <summary>Fault rates of a simulated link (each 0..1), and latency.</summary>
public sealed class NetworkFaults
{
    public bool Offline { get; set; }
    public double DropRequest { get; set; }
    /// <summary>The server processed the request but the reply is cut mid-message.</summary>
    public double CutReply { get; set; }
    public double Duplicate { get; set; }
    /// <summary>A copy of the request is held back and delivered later, out of order.</summary>
    public double Delay { get; set; }
    public double DropLiveMessage { get; set; }
    public double DisconnectLive { get; set; }
    public int MaxLatencyMs { get; set; }

    public static NetworkFaults None => new();

    public static NetworkFaults Hostile => new()
    {
        DropRequest = 0.1, CutReply = 0.1, Duplicate = 0.1, Delay = 0.1, DropLiveMessage = 0.1, DisconnectLive = 0.05, MaxLatencyMs = 2,
    };
}
