using System.Buffers;
using System.Buffers.Binary;
using Outpost.Wire.Buffers;
using Outpost.Wire.Compression;

namespace Outpost.Wire.Protocol;

/// <summary>Encodes replies: OP_MSG (optional checksum and moreToCome), OP_REPLY, either wrapped in OP_COMPRESSED.</summary>
public static class WireMessageWriter
{
    /// <summary>
    /// Writes an OP_MSG whose single kind-0 section is <paramref name="body"/>; returns the message's length and the
    /// length of the frame written (smaller when compressed).
    /// </summary>
    public static (int Message, int Frame) WriteMsg(IBufferWriter<byte> output, int requestId, int responseTo, OpMsgFlags flags, ReadOnlySpan<byte> body, CompressorId? compressor)
    {
        ArgumentNullException.ThrowIfNull(output);
        bool checksum = (flags & OpMsgFlags.ChecksumPresent) != 0;
        int length = MessageHeader.Size + 4 + 1 + body.Length + (checksum ? 4 : 0);
        if (compressor is null)
        {
            // Uncompressed (the common case): straight into the output, without a staging copy.
            Msg(output.GetSpan(length), length, requestId, responseTo, flags, body, checksum);
            output.Advance(length);
            return (length, length);
        }
        using var message = new PooledBufferWriter(length);
        Msg(message.GetSpan(length), length, requestId, responseTo, flags, body, checksum);
        message.Advance(length);
        return (length, Emit(output, message.WrittenSpan, compressor));
    }

    private static void Msg(Span<byte> span, int length, int requestId, int responseTo, OpMsgFlags flags, ReadOnlySpan<byte> body, bool checksum)
    {
        new MessageHeader(length, requestId, responseTo, OpCode.Msg).Write(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[MessageHeader.Size..], (uint)flags);
        span[MessageHeader.Size + 4] = 0;
        body.CopyTo(span[(MessageHeader.Size + 5)..]);
        if (checksum)
        {
            int end = length - 4;
            BinaryPrimitives.WriteUInt32LittleEndian(span[end..], Crc32C.Compute(span[..end]));
        }
    }

    /// <summary>Writes an OP_REPLY carrying one document (the legacy handshake reply); returns the message's and the frame's length.</summary>
    public static (int Message, int Frame) WriteReply(IBufferWriter<byte> output, int requestId, int responseTo, ReadOnlySpan<byte> document, CompressorId? compressor)
    {
        ArgumentNullException.ThrowIfNull(output);
        int length = MessageHeader.Size + 20 + document.Length;
        using var message = new PooledBufferWriter(length);
        var span = message.GetSpan(length);
        new MessageHeader(length, requestId, responseTo, OpCode.Reply).Write(span);
        var p = span[MessageHeader.Size..];
        BinaryPrimitives.WriteInt32LittleEndian(p, 8); // responseFlags: AwaitCapable
        BinaryPrimitives.WriteInt64LittleEndian(p[4..], 0); // cursorID
        BinaryPrimitives.WriteInt32LittleEndian(p[12..], 0); // startingFrom
        BinaryPrimitives.WriteInt32LittleEndian(p[16..], 1); // numberReturned
        document.CopyTo(p[20..]);
        message.Advance(length);
        return (length, Emit(output, message.WrittenSpan, compressor));
    }

    /// <summary>Writes <paramref name="message"/>, wrapped in OP_COMPRESSED when a compressor is given; returns the frame's length.</summary>
    private static int Emit(IBufferWriter<byte> output, ReadOnlySpan<byte> message, CompressorId? compressor)
    {
        if (compressor is null)
        {
            output.Write(message);
            return message.Length;
        }
        var header = MessageHeader.Read(message);
        using var compressed = new PooledBufferWriter(message.Length / 2 + 64);
        MessageCompression.Compress(compressor.Value, message[MessageHeader.Size..], compressed);
        int length = MessageHeader.Size + 9 + compressed.WrittenCount;
        var span = output.GetSpan(MessageHeader.Size + 9);
        new MessageHeader(length, header.RequestId, header.ResponseTo, OpCode.Compressed).Write(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[MessageHeader.Size..], (int)header.OpCode);
        BinaryPrimitives.WriteInt32LittleEndian(span[(MessageHeader.Size + 4)..], message.Length - MessageHeader.Size);
        span[MessageHeader.Size + 8] = (byte)compressor.Value;
        output.Advance(MessageHeader.Size + 9);
        output.Write(compressed.WrittenSpan);
        return length;
    }
}
