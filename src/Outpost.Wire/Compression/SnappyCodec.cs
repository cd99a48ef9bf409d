using System.Buffers;
using System.Buffers.Binary;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Compression;

/// <summary>
/// A small pure-C# implementation of the Snappy raw block format (no framing), enough for OP_COMPRESSED:
/// a greedy hash-table compressor and a bounds-checked decompressor.
/// </summary>
public static class SnappyCodec
{
    private const int BlockSize = 1 << 16;
    private const int HashBits = 14;

    /// <summary>Reads the uncompressed length from the varint preamble.</summary>
    public static int GetUncompressedLength(ReadOnlySpan<byte> compressed, out int preambleLength)
    {
        uint result = 0;
        for (int i = 0, shift = 0; i < 5 && i < compressed.Length; i++, shift += 7)
        {
            byte b = compressed[i];
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                preambleLength = i + 1;
                if (result > int.MaxValue) break;
                return (int)result;
            }
        }
        throw new WireProtocolException("snappy: bad length preamble");
    }

    /// <summary>Decompresses <paramref name="compressed"/> into exactly <paramref name="destination"/>.</summary>
    /// <exception cref="WireProtocolException">The input is malformed or its length differs from the destination's.</exception>
    public static void Decompress(ReadOnlySpan<byte> compressed, Span<byte> destination)
    {
        int length = GetUncompressedLength(compressed, out int ip);
        if (length != destination.Length) throw new WireProtocolException("snappy: uncompressed length mismatch");
        int op = 0;
        while (ip < compressed.Length)
        {
            byte tag = compressed[ip++];
            int kind = tag & 3;
            if (kind == 0)
            {
                int len = tag >> 2;
                if (len >= 60)
                {
                    int extra = len - 59;
                    if (ip + extra > compressed.Length) throw Malformed();
                    len = 0;
                    for (int i = 0; i < extra; i++) len |= compressed[ip + i] << (8 * i);
                    ip += extra;
                    if (len < 0) throw Malformed();
                }
                len += 1;
                if (len > compressed.Length - ip || len > destination.Length - op) throw Malformed();
                compressed.Slice(ip, len).CopyTo(destination[op..]);
                ip += len;
                op += len;
                continue;
            }
            int copyLength, offset;
            switch (kind)
            {
                case 1:
                    if (ip >= compressed.Length) throw Malformed();
                    copyLength = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | compressed[ip++];
                    break;
                case 2:
                    if (ip + 2 > compressed.Length) throw Malformed();
                    copyLength = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(compressed[ip..]);
                    ip += 2;
                    break;
                default:
                    if (ip + 4 > compressed.Length) throw Malformed();
                    copyLength = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadInt32LittleEndian(compressed[ip..]);
                    ip += 4;
                    break;
            }
            if (offset <= 0 || offset > op || copyLength > destination.Length - op) throw Malformed();
            // Overlapping copies (offset < length) repeat the pattern, so copy byte by byte in that case.
            if (offset >= copyLength)
            {
                destination.Slice(op - offset, copyLength).CopyTo(destination[op..]);
            }
            else
            {
                for (int i = 0; i < copyLength; i++) destination[op + i] = destination[op - offset + i];
            }
            op += copyLength;
        }
        if (op != destination.Length) throw new WireProtocolException("snappy: output shorter than declared");
    }

    /// <summary>Compresses <paramref name="source"/> and appends the result to <paramref name="output"/>.</summary>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Worst case: literals cost 5 bytes of tag per 2^32 bytes plus a tag per 60 bytes; this bound is generous.
        int bound = 32 + source.Length + source.Length / 6;
        Span<byte> dst = output.GetSpan(bound);
        int op = WriteVarint(dst, (uint)source.Length);
        int[] table = ArrayPool<int>.Shared.Rent(1 << HashBits);
        try
        {
            for (int blockStart = 0; blockStart < source.Length; blockStart += BlockSize)
            {
                var block = source.Slice(blockStart, Math.Min(BlockSize, source.Length - blockStart));
                op = CompressBlock(block, dst, op, table);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
        output.Advance(op);
    }

    private static int CompressBlock(ReadOnlySpan<byte> block, Span<byte> dst, int op, int[] table)
    {
        Array.Fill(table, -1, 0, 1 << HashBits);
        int ip = 0, literalStart = 0;
        int limit = block.Length - 4;
        while (ip <= limit)
        {
            uint current = BinaryPrimitives.ReadUInt32LittleEndian(block[ip..]);
            int hash = (int)((current * 0x1E35A7BDu) >> (32 - HashBits));
            int candidate = table[hash];
            table[hash] = ip;
            if (candidate < 0 || BinaryPrimitives.ReadUInt32LittleEndian(block[candidate..]) != current)
            {
                ip++;
                continue;
            }
            op = EmitLiteral(block[literalStart..ip], dst, op);
            int matchLength = 4;
            while (ip + matchLength < block.Length && block[candidate + matchLength] == block[ip + matchLength]) matchLength++;
            op = EmitCopy(ip - candidate, matchLength, dst, op);
            ip += matchLength;
            literalStart = ip;
        }
        return EmitLiteral(block[literalStart..], dst, op);
    }

    private static int EmitLiteral(ReadOnlySpan<byte> literal, Span<byte> dst, int op)
    {
        if (literal.IsEmpty) return op;
        int n = literal.Length - 1;
        if (n < 60)
        {
            dst[op++] = (byte)(n << 2);
        }
        else if (n < 1 << 8)
        {
            dst[op++] = 60 << 2;
            dst[op++] = (byte)n;
        }
        else
        {
            // Blocks are at most 64 KiB, so two length bytes always suffice.
            dst[op++] = 61 << 2;
            dst[op++] = (byte)n;
            dst[op++] = (byte)(n >> 8);
        }
        literal.CopyTo(dst[op..]);
        return op + literal.Length;
    }

    private static int EmitCopy(int offset, int length, Span<byte> dst, int op)
    {
        while (length >= 68)
        {
            op = EmitCopy2(offset, 64, dst, op);
            length -= 64;
        }
        if (length > 64)
        {
            op = EmitCopy2(offset, 60, dst, op);
            length -= 60;
        }
        if (length < 12 && offset < 2048)
        {
            dst[op++] = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            dst[op++] = (byte)offset;
            return op;
        }
        return EmitCopy2(offset, length, dst, op);
    }

    private static int EmitCopy2(int offset, int length, Span<byte> dst, int op)
    {
        dst[op++] = (byte)(2 | ((length - 1) << 2));
        BinaryPrimitives.WriteUInt16LittleEndian(dst[op..], (ushort)offset);
        return op + 2;
    }

    private static int WriteVarint(Span<byte> dst, uint value)
    {
        int i = 0;
        while (value >= 0x80)
        {
            dst[i++] = (byte)(value | 0x80);
            value >>= 7;
        }
        dst[i++] = (byte)value;
        return i;
    }

    private static WireProtocolException Malformed() => new("snappy: malformed input");
}
