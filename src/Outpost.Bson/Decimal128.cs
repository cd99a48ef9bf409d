using System.Buffers.Binary;

namespace Outpost.Bson;

/// <summary>
/// IEEE 754-2008 decimal128 in the binary integer decimal (BID) encoding, as BSON stores it.
/// Equality (<see cref="Equals(Decimal128)"/>, <see cref="GetHashCode"/>, <c>==</c>) is bitwise: 1.0 and 1.00 are
/// different values there. Ordering (<see cref="CompareTo"/>, <c>&lt;</c>…) and <see cref="ValueEquals"/> compare by value.
/// </summary>
public readonly partial struct Decimal128 : IEquatable<Decimal128>, IComparable<Decimal128>
{
    internal const int ExponentBias = 6176;
    internal const int MinExponent = -6176;
    internal const int MaxExponent = 6111;
    internal const int MaxDigits = 34;

    private const ulong SignBit = 0x8000_0000_0000_0000UL;
    private const ulong InfinityMask = 0x7800_0000_0000_0000UL;
    private const ulong NaNMask = 0x7C00_0000_0000_0000UL;
    private const ulong LargeFormMask = 0x6000_0000_0000_0000UL;
    private const ulong CoefficientHighMask = 0x0001_FFFF_FFFF_FFFFUL;

    /// <summary>10^34 - 1, the largest coefficient decimal128 can hold.</summary>
    internal static readonly UInt128 MaxCoefficient = new(0x0001_ED09_BEAD_87C0UL, 0x378D_8E63_FFFF_FFFFUL);

    /// <summary>Creates a value from its two 64-bit halves (BSON stores low then high, little-endian).</summary>
    public Decimal128(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    /// <summary>The high 64 bits (sign, combination field, top of the coefficient).</summary>
    public ulong High { get; }

    /// <summary>The low 64 bits of the coefficient.</summary>
    public ulong Low { get; }

    /// <summary>0 (coefficient 0, exponent 0).</summary>
    public static Decimal128 Zero => new(0x3040_0000_0000_0000UL, 0);

    /// <summary>1 (coefficient 1, exponent 0).</summary>
    public static Decimal128 One => new(0x3040_0000_0000_0000UL, 1);

    /// <summary>-1 (coefficient 1, exponent 0).</summary>
    public static Decimal128 NegativeOne => new(0xB040_0000_0000_0000UL, 1);

    /// <summary>The canonical quiet NaN.</summary>
    public static Decimal128 NaN => new(NaNMask, 0);

    /// <summary>+Infinity.</summary>
    public static Decimal128 PositiveInfinity => new(InfinityMask, 0);

    /// <summary>-Infinity.</summary>
    public static Decimal128 NegativeInfinity => new(InfinityMask | SignBit, 0);

    /// <summary>9.999999999999999999999999999999999E+6144.</summary>
    public static Decimal128 MaxValue => FromParts(false, MaxCoefficient, MaxExponent);

    /// <summary>-9.999999999999999999999999999999999E+6144.</summary>
    public static Decimal128 MinValue => FromParts(true, MaxCoefficient, MaxExponent);

    /// <summary>True for quiet and signalling NaN, either sign.</summary>
    public bool IsNaN => (High & NaNMask) == NaNMask;

    /// <summary>True for +Infinity and -Infinity.</summary>
    public bool IsInfinity => (High & NaNMask) == InfinityMask;

    /// <summary>True when the sign bit is set (including -0, -Infinity and a negative NaN).</summary>
    public bool IsNegative => (High & SignBit) != 0;

    /// <summary>True for a finite zero of any sign and exponent (non-canonical coefficients count as zero).</summary>
    public bool IsZero => TryGetFinite(out _, out var c, out _) && c == UInt128.Zero;

    /// <summary>Reads 16 bytes little-endian: the low 8 bytes, then the high 8 bytes (BSON layout).</summary>
    /// <exception cref="ArgumentException">Fewer than 16 bytes.</exception>
    public static Decimal128 FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 16)
        {
            throw new ArgumentException("Decimal128 needs 16 bytes.", nameof(bytes));
        }

        return new Decimal128(BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes));
    }

    /// <summary>Writes the 16-byte BSON layout (low 8 bytes, then high 8 bytes, little-endian).</summary>
    /// <exception cref="ArgumentException">Fewer than 16 bytes of room.</exception>
    public void WriteTo(Span<byte> destination)
    {
        if (destination.Length < 16)
        {
            throw new ArgumentException("Decimal128 needs 16 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination, Low);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], High);
    }

    /// <summary>Bitwise equality (same encoding): 1.0 and 1.00 differ here; use <see cref="ValueEquals"/> for numbers.</summary>
    public bool Equals(Decimal128 other) => High == other.High && Low == other.Low;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Decimal128 d && Equals(d);

    /// <summary>Bitwise hash, consistent with <see cref="Equals(Decimal128)"/>; see <see cref="GetHashCodeByValue"/>.</summary>
    public override int GetHashCode() => HashCode.Combine(High, Low);

    public static bool operator ==(Decimal128 left, Decimal128 right) => left.Equals(right);
    public static bool operator !=(Decimal128 left, Decimal128 right) => !left.Equals(right);
    public static bool operator <(Decimal128 left, Decimal128 right) => left.CompareTo(right) < 0;
    public static bool operator <=(Decimal128 left, Decimal128 right) => left.CompareTo(right) <= 0;
    public static bool operator >(Decimal128 left, Decimal128 right) => left.CompareTo(right) > 0;
    public static bool operator >=(Decimal128 left, Decimal128 right) => left.CompareTo(right) >= 0;

    /// <summary>
    /// Decodes a finite value into sign, coefficient and unbiased exponent. Returns false for NaN and infinities.
    /// Coefficients above 10^34-1 (and the "11" large form) are non-canonical and decode as zero, per IEEE 754.
    /// </summary>
    internal bool TryGetFinite(out bool negative, out UInt128 coefficient, out int exponent)
    {
        ulong h = High;
        negative = (h & SignBit) != 0;
        if ((h & InfinityMask) == InfinityMask)
        {
            coefficient = UInt128.Zero;
            exponent = 0;
            return false;
        }

        if ((h & LargeFormMask) == LargeFormMask)
        {
            // The implicit "100" prefix makes the coefficient >= 2^113 > 10^34-1: always non-canonical, i.e. zero.
            exponent = (int)((h >> 47) & 0x3FFF) - ExponentBias;
            coefficient = UInt128.Zero;
            return true;
        }

        exponent = (int)((h >> 49) & 0x3FFF) - ExponentBias;
        coefficient = new UInt128(h & CoefficientHighMask, Low);
        if (coefficient > MaxCoefficient)
        {
            coefficient = UInt128.Zero;
        }

        return true;
    }

    /// <summary>Encodes a canonical finite value; the caller guarantees coefficient &lt;= 10^34-1 and the exponent range.</summary>
    internal static Decimal128 FromParts(bool negative, UInt128 coefficient, int exponent)
    {
        ulong high = ((ulong)(exponent + ExponentBias) << 49) | (ulong)(coefficient >> 64);
        if (negative)
        {
            high |= SignBit;
        }

        return new Decimal128(high, (ulong)coefficient);
    }
}
