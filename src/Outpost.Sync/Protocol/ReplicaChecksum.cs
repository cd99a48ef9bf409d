using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Outpost.Sync.Protocol;

/// <summary>
/// The order-independent checksum of a set of documents: lane-wise sum (mod 2^64) of the first 16 bytes of each
/// document's SHA-256. Addition commutes, so server and client can visit documents in any order — and a sum, unlike
/// XOR, does not cancel out a document that is present twice.
/// </summary>
public struct ReplicaChecksum
{
    private ulong _a;
    private ulong _b;

    /// <summary>Documents added.</summary>
    public long Count { get; private set; }

    /// <summary>Adds one document's BSON bytes.</summary>
    public void Add(ReadOnlySpan<byte> documentBson)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(documentBson, hash);
        _a += BinaryPrimitives.ReadUInt64LittleEndian(hash);
        _b += BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]);
        Count++;
    }

    /// <summary>32 lowercase hex characters.</summary>
    public readonly string Hash => _a.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + _b.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
}
