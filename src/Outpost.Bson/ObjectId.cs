using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Outpost.Bson;

/// <summary>
/// A 12-byte BSON ObjectId: 4-byte big-endian seconds since the Unix epoch, a 5-byte per-process random value
/// and a 3-byte big-endian counter (MongoDB ObjectId spec). Compares bytewise.
/// </summary>
public readonly struct ObjectId : IEquatable<ObjectId>, IComparable<ObjectId>
{
    // Per-process state required by the ObjectId spec: one random value per process and a counter
    // that starts at a random value. Both are set once; the counter only moves via Interlocked.
    private static readonly long ProcessRandom = CreateProcessRandom();
    private static int s_counter = RandomNumberGenerator.GetInt32(0, 0x1000000);

    // The 12 bytes as three big-endian words so that numeric comparison equals bytewise comparison.
    private readonly uint _a;
    private readonly uint _b;
    private readonly uint _c;

    /// <summary>Creates an ObjectId from its 12 bytes.</summary>
    /// <exception cref="ArgumentException">When <paramref name="bytes"/> is not exactly 12 bytes long.</exception>
    public ObjectId(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 12)
        {
            throw new ArgumentException("An ObjectId is exactly 12 bytes.", nameof(bytes));
        }

        _a = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]);
        _c = BinaryPrimitives.ReadUInt32BigEndian(bytes[8..]);
    }

    private ObjectId(uint a, uint b, uint c)
    {
        _a = a;
        _b = b;
        _c = c;
    }

    /// <summary>The all-zero ObjectId.</summary>
    public static ObjectId Empty => default;

    /// <summary>Seconds since the Unix epoch stored in the first four bytes.</summary>
    public int Timestamp => (int)_a;

    /// <summary>The creation time (UTC) encoded in the first four bytes.</summary>
    public DateTime CreationTime => DateTime.UnixEpoch.AddSeconds(_a);

    /// <summary>Generates a new ObjectId for the current time. Thread-safe.</summary>
    public static ObjectId GenerateNewId() => GenerateNewId(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>Generates a new ObjectId with the given timestamp (seconds since the Unix epoch).</summary>
    public static ObjectId GenerateNewId(long unixSeconds)
    {
        int counter = Interlocked.Increment(ref s_counter) & 0xFFFFFF;
        // Bytes 4..8 are the 5-byte random value, bytes 9..11 the counter.
        uint b = (uint)(ProcessRandom >> 8);
        uint c = ((uint)(ProcessRandom & 0xFF) << 24) | (uint)counter;
        return new ObjectId((uint)unixSeconds, b, c);
    }

    /// <summary>Parses 24 hexadecimal characters (either case).</summary>
    /// <exception cref="FormatException">When the text is not a valid ObjectId.</exception>
    public static ObjectId Parse(ReadOnlySpan<char> hex) =>
        TryParse(hex, out var id) ? id : throw new FormatException($"'{hex.ToString()}' is not a valid ObjectId (24 hex characters expected).");

    /// <summary>Tries to parse 24 hexadecimal characters (either case).</summary>
    public static bool TryParse([NotNullWhen(true)] string? hex, out ObjectId id)
    {
        if (hex is null)
        {
            id = default;
            return false;
        }

        return TryParse(hex.AsSpan(), out id);
    }

    /// <summary>Tries to parse 24 hexadecimal characters (either case).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out ObjectId id)
    {
        id = default;
        if (hex.Length != 24)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[12];
        for (int i = 0; i < 12; i++)
        {
            int hi = HexValue(hex[2 * i]);
            int lo = HexValue(hex[(2 * i) + 1]);
            if ((hi | lo) < 0)
            {
                return false;
            }

            bytes[i] = (byte)((hi << 4) | lo);
        }

        id = new ObjectId(bytes);
        return true;
    }

    /// <summary>Writes the 12 bytes to <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < 12)
        {
            throw new ArgumentException("Destination needs 12 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], _b);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], _c);
    }

    /// <summary>Returns the 12 bytes as a new array.</summary>
    public byte[] ToByteArray()
    {
        var bytes = new byte[12];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>24 lowercase hexadecimal characters.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[12];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public int CompareTo(ObjectId other)
    {
        int c = _a.CompareTo(other._a);
        if (c != 0)
        {
            return c;
        }

        c = _b.CompareTo(other._b);
        return c != 0 ? c : _c.CompareTo(other._c);
    }

    public bool Equals(ObjectId other) => _a == other._a && _b == other._b && _c == other._c;
    public override bool Equals(object? obj) => obj is ObjectId other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b, _c);
    public static bool operator ==(ObjectId left, ObjectId right) => left.Equals(right);
    public static bool operator !=(ObjectId left, ObjectId right) => !left.Equals(right);
    public static bool operator <(ObjectId left, ObjectId right) => left.CompareTo(right) < 0;
    public static bool operator <=(ObjectId left, ObjectId right) => left.CompareTo(right) <= 0;
    public static bool operator >(ObjectId left, ObjectId right) => left.CompareTo(right) > 0;
    public static bool operator >=(ObjectId left, ObjectId right) => left.CompareTo(right) >= 0;

    private static int HexValue(char ch) => ch switch
    {
        >= '0' and <= '9' => ch - '0',
        >= 'a' and <= 'f' => ch - 'a' + 10,
        >= 'A' and <= 'F' => ch - 'A' + 10,
        _ => -1,
    };

    private static long CreateProcessRandom()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadInt64LittleEndian(bytes) & 0xFF_FFFF_FFFFL;
    }
}
