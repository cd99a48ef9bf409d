namespace Outpost.Bson;

/// <summary>
/// IEEE 754-2008 decimal128 in the binary integer decimal (BID) encoding, as BSON stores it.
/// Stub: the API is fixed, the implementation lands with the Decimal128 work.
/// </summary>
public readonly partial struct Decimal128 : IEquatable<Decimal128>, IComparable<Decimal128>
{
    /// <summary>Creates a value from its two 64-bit halves (BSON stores low then high, little-endian).</summary>
    public Decimal128(ulong high, ulong low)
    {
        High = high;
        Low = low;
    }

    public ulong High { get; }
    public ulong Low { get; }

    public bool Equals(Decimal128 other) => High == other.High && Low == other.Low;
    public override bool Equals(object? obj) => obj is Decimal128 d && Equals(d);
    public override int GetHashCode() => HashCode.Combine(High, Low);
    public int CompareTo(Decimal128 other) => throw new NotImplementedException();
    public override string ToString() => throw new NotImplementedException();
    public static bool operator ==(Decimal128 left, Decimal128 right) => left.Equals(right);
    public static bool operator !=(Decimal128 left, Decimal128 right) => !left.Equals(right);
    public static bool operator <(Decimal128 left, Decimal128 right) => left.CompareTo(right) < 0;
    public static bool operator <=(Decimal128 left, Decimal128 right) => left.CompareTo(right) <= 0;
    public static bool operator >(Decimal128 left, Decimal128 right) => left.CompareTo(right) > 0;
    public static bool operator >=(Decimal128 left, Decimal128 right) => left.CompareTo(right) >= 0;
}
