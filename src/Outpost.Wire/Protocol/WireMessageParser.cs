using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Outpost.Wire.Compression;

namespace Outpost.Wire.Protocol;

/// <summary>Decodes one complete frame (header included) into a <see cref="WireRequest"/>, validating every length.</summary>
public static class WireMessageParser
{
    private const uint RequiredFlagMask = 0xFFFF;
    private const OpMsgFlags KnownRequiredFlags = OpMsgFlags.ChecksumPresent | OpMsgFlags.MoreToCome;

    /// <summary>
    /// Parses <paramref name="frame"/>. For OP_COMPRESSED the decompressed message lives in <paramref name="rented"/>,
    /// an array from <see cref="ArrayPool{T}.Shared"/> the caller returns once the request is handled.
    /// </summary>
    /// <exception cref="WireProtocolException">The frame is malformed.</exception>
    public static WireRequest Parse(ReadOnlyMemory<byte> frame, int maxMessageSize, out byte[]? rented)
    {
        rented = null;
        if (frame.Length < MessageHeader.Size) throw new WireProtocolException("frame shorter than its header");
        var header = MessageHeader.Read(frame.Span);
        if (header.MessageLength != frame.Length) throw new WireProtocolException("frame length differs from header");
        switch (header.OpCode)
        {
            case OpCode.Msg:
                return ParseMsg(header, frame, frame, null);
            case OpCode.Query:
                return ParseQuery(header, frame[MessageHeader.Size..], null);
            case OpCode.Compressed:
                return ParseCompressed(header, frame, maxMessageSize, out rented);
            default:
                throw new WireProtocolException($"unsupported opCode {(int)header.OpCode}");
        }
    }

    private static WireRequest ParseCompressed(MessageHeader header, ReadOnlyMemory<byte> frame, int maxMessageSize, out byte[]? rented)
    {
        rented = null;
        var span = frame.Span[MessageHeader.Size..];
        if (span.Length < 9) throw new WireProtocolException("OP_COMPRESSED too short");
        var originalOpCode = (OpCode)BinaryPrimitives.ReadInt32LittleEndian(span);
        int uncompressedSize = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        var compressor = (CompressorId)span[8];
        if (uncompressedSize < 0 || uncompressedSize > maxMessageSize - MessageHeader.Size)
        {
            throw new WireProtocolException($"OP_COMPRESSED uncompressedSize {uncompressedSize} out of range");
        }
        if (originalOpCode is not (OpCode.Msg or OpCode.Query))
        {
            throw new WireProtocolException($"OP_COMPRESSED wraps unsupported opCode {(int)originalOpCode}");
        }
        // Rebuild the original message with its own header so an inner checksum can be verified over it.
        int fullLength = uncompressedSize + MessageHeader.Size;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(fullLength);
        try
        {
            new MessageHeader(fullLength, header.RequestId, header.ResponseTo, originalOpCode).Write(buffer);
            MessageCompression.Decompress(compressor, span[9..], buffer.AsSpan(MessageHeader.Size, uncompressedSize));
            var inner = buffer.AsMemory(0, fullLength);
            var innerHeader = MessageHeader.Read(inner.Span);
            var request = originalOpCode == OpCode.Msg
                ? ParseMsg(innerHeader, inner, inner, compressor, header)
                : ParseQuery(innerHeader, inner[MessageHeader.Size..], compressor, header);
            rented = buffer;
            return request;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static WireRequest ParseMsg(MessageHeader header, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> whole, CompressorId? compressor, MessageHeader? outer = null)
    {
        var span = message.Span;
        if (span.Length < MessageHeader.Size + 5) throw new WireProtocolException("OP_MSG too short");
        var flags = (OpMsgFlags)BinaryPrimitives.ReadUInt32LittleEndian(span[MessageHeader.Size..]);
        if (((uint)flags & RequiredFlagMask & ~(uint)KnownRequiredFlags) != 0)
        {
            throw new WireProtocolException($"OP_MSG has unknown required flag bits 0x{(uint)flags:x}");
        }
        int end = span.Length;
        if ((flags & OpMsgFlags.ChecksumPresent) != 0)
        {
            end -= 4;
            if (end < MessageHeader.Size + 5) throw new WireProtocolException("OP_MSG too short for its checksum");
            uint expected = BinaryPrimitives.ReadUInt32LittleEndian(span[end..]);
            uint actual = Crc32C.Compute(whole.Span[..end]);
            if (expected != actual) throw new WireProtocolException("OP_MSG checksum mismatch");
        }
        int pos = MessageHeader.Size + 4;
        ReadOnlyMemory<byte>? body = null;
        List<DocumentSequence>? sequences = null;
        while (pos < end)
        {
            byte kind = span[pos++];
            if (kind == 0)
            {
                if (body is not null) throw new WireProtocolException("OP_MSG has more than one body section");
                int length = CheckDocument(span, pos, end);
                body = message.Slice(pos, length);
                pos += length;
            }
            else if (kind == 1)
            {
                if (end - pos < 4) throw new WireProtocolException("OP_MSG sequence truncated");
                int size = BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
                if (size < 5 || size > end - pos) throw new WireProtocolException("OP_MSG sequence size out of range");
                int seqEnd = pos + size;
                int p = pos + 4;
                int nul = span[p..seqEnd].IndexOf((byte)0);
                if (nul < 0) throw new WireProtocolException("OP_MSG sequence identifier not terminated");
                string identifier = Encoding.UTF8.GetString(span.Slice(p, nul));
                p += nul + 1;
                int docsStart = p;
                while (p < seqEnd) p += CheckDocument(span, p, seqEnd);
                (sequences ??= []).Add(new DocumentSequence(identifier, message[docsStart..seqEnd]));
                pos = seqEnd;
            }
            else
            {
                throw new WireProtocolException($"OP_MSG unknown section kind {kind}");
            }
        }
        if (body is null) throw new WireProtocolException("OP_MSG has no body section");
        return new WireRequest
        {
            Header = outer ?? header,
            MessageLength = header.MessageLength,
            OpCode = OpCode.Msg,
            Compressor = compressor,
            Flags = flags,
            Body = body.Value,
            Sequences = (IReadOnlyList<DocumentSequence>?)sequences ?? [],
        };
    }

    private static WireRequest ParseQuery(MessageHeader header, ReadOnlyMemory<byte> payload, CompressorId? compressor, MessageHeader? outer = null)
    {
        var span = payload.Span;
        if (span.Length < 4) throw new WireProtocolException("OP_QUERY too short");
        int pos = 4; // flags: none of them matter for a command
        int nul = span[pos..].IndexOf((byte)0);
        if (nul < 0) throw new WireProtocolException("OP_QUERY collection name not terminated");
        string fullCollectionName = Encoding.UTF8.GetString(span.Slice(pos, nul));
        pos += nul + 1 + 8; // numberToSkip, numberToReturn
        if (pos > span.Length) throw new WireProtocolException("OP_QUERY truncated");
        int length = CheckDocument(span, pos, span.Length);
        var query = payload.Slice(pos, length);
        pos += length;
        if (pos < span.Length) CheckDocument(span, pos, span.Length); // returnFieldsSelector, ignored for commands
        return new WireRequest
        {
            Header = outer ?? header,
            MessageLength = header.MessageLength,
            OpCode = OpCode.Query,
            Compressor = compressor,
            Body = query,
            FullCollectionName = fullCollectionName,
        };
    }

    /// <summary>Checks the outer shape of a BSON document at <paramref name="pos"/>; returns its length.</summary>
    private static int CheckDocument(ReadOnlySpan<byte> span, int pos, int end)
    {
        if (end - pos < 5) throw new WireProtocolException("BSON document truncated");
        int length = BinaryPrimitives.ReadInt32LittleEndian(span[pos..]);
        if (length < 5 || length > end - pos) throw new WireProtocolException("BSON document length out of range");
        if (span[pos + length - 1] != 0) throw new WireProtocolException("BSON document not terminated");
        return length;
    }
}
