using System.Buffers.Binary;

namespace Outpost.Wire.Protocol;

/// <summary>The 16-byte header in front of every wire protocol message (all fields little-endian int32).</summary>
/// <param name="MessageLength">Total message size in bytes, header included.</param>
/// <param name="RequestId">Identifier chosen by the sender.</param>
/// <param name="ResponseTo">The <see cref="RequestId"/> this message answers (0 for requests).</param>
/// <param name="OpCode">The message kind.</param>
public readonly record struct MessageHeader(int MessageLength, int RequestId, int ResponseTo, OpCode OpCode)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 16;

    /// <summary>Reads a header from the first 16 bytes of <paramref name="source"/>.</summary>
    public static MessageHeader Read(ReadOnlySpan<byte> source) => new(
        BinaryPrimitives.ReadInt32LittleEndian(source),
        BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(source[8..]),
        (OpCode)BinaryPrimitives.ReadInt32LittleEndian(source[12..]));

    /// <summary>Writes this header into the first 16 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32LittleEndian(destination, MessageLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(destination[8..], ResponseTo);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], (int)OpCode);
    }
}
