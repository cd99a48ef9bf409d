namespace Outpost.Sync.Transport;

/// <summary>The network failed (offline, dropped, cut mid-message). Always safe to retry.</summary>
public sealed class SyncTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SyncTransportException(string message, Exception? inner = null) : base(message, inner) { }
}
