using System.Buffers.Binary;
using System.Numerics;

namespace Outpost.Wire.Protocol;

/// <summary>CRC-32C (Castagnoli), the checksum of OP_MSG's checksumPresent flag.</summary>
public static class Crc32C
{
    /// <summary>Computes the CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        // BitOperations.Crc32C uses the SSE4.2 / ARM CRC instruction when present and a table otherwise.
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }
}
