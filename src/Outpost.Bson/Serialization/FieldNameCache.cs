using System.Buffers.Binary;
using System.Text;

namespace Outpost.Bson.Serialization;

/// <summary>
/// A fixed-size, lossy map from short ASCII UTF-8 field names to their strings, so decoding a stream of documents
/// with the same shape allocates each name once instead of once per document. Bounded by construction (one slot per
/// hash bucket, a colliding name simply replaces the slot) and safe without locks: a slot holds an immutable string
/// that is only ever read or replaced whole, and a hit is confirmed by comparing the bytes, so a race can at worst
/// cost a miss. Returning a shared string is invisible to callers because strings are immutable.
/// </summary>
internal sealed class FieldNameCache
{
    /// <summary>Longer names are rare and would mostly thrash the slots; they are decoded normally.</summary>
    internal const int MaxCachedLength = 32;

    private const int SlotBits = 10;

    private readonly string?[] _slots = new string?[1 << SlotBits];

    /// <summary>
    /// The process-wide instance used by the decoder. Shared (rather than per decode) because names repeat across
    /// documents; its size is fixed, so it cannot grow with untrusted input.
    /// </summary>
    internal static FieldNameCache Shared { get; } = new();

    /// <summary>
    /// The string for <paramref name="utf8"/> when it is cached or cacheable (ASCII, at most <see cref="MaxCachedLength"/>
    /// bytes); null otherwise, and the caller decodes (and validates) the name itself.
    /// </summary>
    internal string? GetOrAdd(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return null;
        }

        ref string? slot = ref _slots[Bucket(utf8)];
        string? cached = slot;
        // Only ASCII strings are ever stored, so an equal comparison also proves the bytes are valid UTF-8.
        if (cached is not null && cached.Length == utf8.Length && Ascii.Equals(utf8, cached))
        {
            return cached;
        }

        if (!Ascii.IsValid(utf8))
        {
            return null;
        }

        string created = Encoding.ASCII.GetString(utf8);
        slot = created;
        return created;
    }

    private static int Bucket(ReadOnlySpan<byte> utf8)
    {
        // Mixes the first and last (up to) eight bytes and the length: cheap, and distinct for typical field names.
        ulong a, b;
        int length = utf8.Length;
        if (length >= 8)
        {
            a = BinaryPrimitives.ReadUInt64LittleEndian(utf8);
            b = BinaryPrimitives.ReadUInt64LittleEndian(utf8[(length - 8)..]);
        }
        else if (length >= 4)
        {
            a = BinaryPrimitives.ReadUInt32LittleEndian(utf8);
            b = BinaryPrimitives.ReadUInt32LittleEndian(utf8[(length - 4)..]);
        }
        else
        {
            a = length == 0 ? 0u : (ulong)utf8[0] | ((ulong)utf8[length / 2] << 8) | ((ulong)utf8[length - 1] << 16);
            b = 0;
        }

        ulong h = ((a * 0x9E3779B97F4A7C15UL) ^ b ^ (ulong)length) * 0xC2B2AE3D27D4EB4FUL;
        return (int)(h >> (64 - SlotBits));
    }
}
