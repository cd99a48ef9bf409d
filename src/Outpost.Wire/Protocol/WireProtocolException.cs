namespace Outpost.Wire.Protocol;

/// <summary>
/// A frame that breaks the wire protocol (bad length, unknown opCode or section kind, bad checksum, malformed BSON).
/// The connection that sent it is closed; other connections are unaffected.
/// </summary>
public sealed class WireProtocolException : Exception
{
    /// <summary>Creates the exception with a description of what was malformed.</summary>
    public WireProtocolException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception wrapping the underlying cause.</summary>
    public WireProtocolException(string message, Exception inner) : base(message, inner)
    {
    }
}
