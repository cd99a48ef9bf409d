namespace Outpost.Wire.Protocol;

/// <summary>OP_MSG flagBits. Bits 0-15 are required (unknown ones are an error), 16-31 optional.</summary>
[Flags]
public enum OpMsgFlags : uint
{
    /// <summary>No flags.</summary>
    None = 0,
    /// <summary>A CRC-32C of the whole message follows the last section.</summary>
    ChecksumPresent = 1 << 0,
    /// <summary>The sender will send another message without waiting; the receiver must not reply.</summary>
    MoreToCome = 1 << 1,
    /// <summary>The client is ready for several replies to this one request (exhaust cursors, streaming hello).</summary>
    ExhaustAllowed = 1 << 16,
}
