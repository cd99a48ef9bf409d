namespace Outpost.Storage.Sqlite;

/// <summary>Compares arena-held keys by their bytes; looks keys up by span without copying them in first.</summary>
internal sealed class ArenaKeyComparer(ByteArena arena) : IEqualityComparer<ArenaSlice>, IAlternateEqualityComparer<ReadOnlySpan<byte>, ArenaSlice>
{
    public bool Equals(ArenaSlice x, ArenaSlice y) => arena.Get(x).SequenceEqual(arena.Get(y));

    public int GetHashCode(ArenaSlice obj) => Hash(arena.Get(obj));

    public bool Equals(ReadOnlySpan<byte> alternate, ArenaSlice other) => alternate.SequenceEqual(arena.Get(other));

    public int GetHashCode(ReadOnlySpan<byte> alternate) => Hash(alternate);

    public ArenaSlice Create(ReadOnlySpan<byte> alternate) => arena.Add(alternate);

    private static int Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
