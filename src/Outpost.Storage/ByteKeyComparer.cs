namespace Outpost.Storage;

/// <summary>
/// The one key order of the storage contract: bytewise (memcmp), a shorter key that is a prefix of a longer
/// one sorts first. SQLite BLOB and PostgreSQL bytea comparisons agree with it, so in-memory structures of a
/// backend and the database's B-tree never disagree about order.
/// </summary>
public sealed class ByteKeyComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    /// <summary>The shared stateless instance.</summary>
    public static readonly ByteKeyComparer Instance = new();

    private ByteKeyComparer()
    {
    }

    /// <summary>Compares two keys bytewise.</summary>
    public static int CompareKeys(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y) => x.SequenceCompareTo(y);

    /// <inheritdoc/>
    public int Compare(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        return x.AsSpan().SequenceCompareTo(y);
    }

    /// <inheritdoc/>
    public bool Equals(byte[]? x, byte[]? y)
    {
        if (ReferenceEquals(x, y)) return true;
        if (x is null || y is null) return false;
        return x.AsSpan().SequenceEqual(y);
    }

    /// <inheritdoc/>
    public int GetHashCode(byte[] obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}
