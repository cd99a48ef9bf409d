namespace Outpost.Sync.Clock;

/// <summary>
/// A hybrid logical clock reading: wall-clock milliseconds in the high 48 bits and a logical counter in the low 16.
/// Packed into one <see cref="long"/> so it compares, stores (BSON int64) and travels as a single number.
/// </summary>
public readonly record struct HlcTimestamp(long Value) : IComparable<HlcTimestamp>
{
    private const int CounterBits = 16;
    public const int MaxCounter = (1 << CounterBits) - 1;

    public static HlcTimestamp Zero => new(0);

    public HlcTimestamp(long wallMilliseconds, int counter)
        : this((wallMilliseconds << CounterBits) | (uint)counter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wallMilliseconds);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(counter, MaxCounter);
        ArgumentOutOfRangeException.ThrowIfNegative(counter);
    }

    /// <summary>Milliseconds since the Unix epoch (as the clock believed them, not necessarily true time).</summary>
    public long WallMilliseconds => Value >> CounterBits;

    public int Counter => (int)(Value & MaxCounter);

    public int CompareTo(HlcTimestamp other) => Value.CompareTo(other.Value);

    public static bool operator <(HlcTimestamp a, HlcTimestamp b) => a.Value < b.Value;
    public static bool operator >(HlcTimestamp a, HlcTimestamp b) => a.Value > b.Value;
    public static bool operator <=(HlcTimestamp a, HlcTimestamp b) => a.Value <= b.Value;
    public static bool operator >=(HlcTimestamp a, HlcTimestamp b) => a.Value >= b.Value;

    public override string ToString() => $"{WallMilliseconds}.{Counter}";
}
