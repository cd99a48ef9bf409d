namespace Outpost.Storage;

/// <summary>
/// A range of keys in bytewise order. A null bound means unbounded on that side. Bound arrays are read, never
/// written, by the storage engine; callers must not mutate them while an operation using the range runs.
/// </summary>
public readonly record struct KeyRange(byte[]? Lower, bool LowerInclusive, byte[]? Upper, bool UpperInclusive)
{
    /// <summary>Every key of a tree.</summary>
    public static KeyRange All => default;

    /// <summary>Keys k with lower &lt;= k &lt; upper (the usual half-open range).</summary>
    public static KeyRange HalfOpen(byte[]? lower, byte[]? upper) => new(lower, true, upper, false);

    /// <summary>Keys k with lower &lt;= k &lt;= upper.</summary>
    public static KeyRange Closed(byte[] lower, byte[] upper) => new(lower, true, upper, true);

    /// <summary>Exactly one key.</summary>
    public static KeyRange Single(byte[] key) => new(key, true, key, true);

    /// <summary>Every key that starts with <paramref name="prefix"/>.</summary>
    public static KeyRange Prefix(ReadOnlySpan<byte> prefix)
    {
        var lower = prefix.ToArray();
        return new KeyRange(lower, true, PrefixSuccessor(prefix), false);
    }

    /// <summary>
    /// The smallest key greater than every key starting with <paramref name="prefix"/>, or null when none exists
    /// (the prefix is empty or all 0xFF): drop trailing 0xFF bytes, then increment the last byte.
    /// </summary>
    public static byte[]? PrefixSuccessor(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF) end--;
        if (end == 0) return null;
        var successor = prefix[..end].ToArray();
        successor[end - 1]++;
        return successor;
    }

    /// <summary>Whether <paramref name="key"/> lies below the upper bound.</summary>
    public bool IsBelowUpper(ReadOnlySpan<byte> key)
    {
        if (Upper is null) return true;
        var c = key.SequenceCompareTo(Upper);
        return UpperInclusive ? c <= 0 : c < 0;
    }

    /// <summary>Whether <paramref name="key"/> lies above the lower bound.</summary>
    public bool IsAboveLower(ReadOnlySpan<byte> key)
    {
        if (Lower is null) return true;
        var c = key.SequenceCompareTo(Lower);
        return LowerInclusive ? c >= 0 : c > 0;
    }

    /// <summary>Whether <paramref name="key"/> lies in the range.</summary>
    public bool Contains(ReadOnlySpan<byte> key) => IsAboveLower(key) && IsBelowUpper(key);

    /// <summary>Whether the range provably holds no key (its bounds cross or touch exclusively).</summary>
    public bool IsEmpty
    {
        get
        {
            if (Lower is null || Upper is null) return false;
            var c = Lower.AsSpan().SequenceCompareTo(Upper);
            return c > 0 || (c == 0 && !(LowerInclusive && UpperInclusive));
        }
    }
}
