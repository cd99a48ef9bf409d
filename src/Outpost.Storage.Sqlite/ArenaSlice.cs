namespace Outpost.Storage.Sqlite;

/// <summary>Where a byte string lives in a <see cref="ByteArena"/>; <see cref="Deleted"/> marks a buffered delete.</summary>
internal readonly record struct ArenaSlice(int Chunk, int Offset, int Length)
{
    /// <summary>The value of a deleted key.</summary>
    public static readonly ArenaSlice Deleted = new(0, 0, -1);

    public bool IsDeleted => Length < 0;
}
