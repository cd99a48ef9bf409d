namespace Outpost.Storage.Sqlite;

/// <summary>
/// Append-only storage for a transaction's buffered keys, values and log entries, in large chunks. A bulk insert
/// buffers hundreds of thousands of small keys until commit; as separate arrays they all survive young garbage
/// collections and get copied from generation to generation, which measured as a large share of insert time. In a
/// few big reference-free chunks the collector neither traces nor copies them. Nothing is ever freed before the
/// whole arena is dropped, so a slice stays valid (and immutable) for the arena's life.
/// </summary>
internal sealed class ByteArena
{
    private const int ChunkSize = 256 * 1024;
    private readonly List<byte[]> _chunks = [];
    private byte[]? _current;
    private int _used;

    /// <summary>Copies <paramref name="bytes"/> into the arena.</summary>
    public ArenaSlice Add(ReadOnlySpan<byte> bytes)
    {
        if (_current is null || _used + bytes.Length > _current.Length)
        {
            // A value bigger than a chunk gets a chunk of its own (and the current chunk stays open for small ones).
            if (bytes.Length > ChunkSize / 4)
            {
                var own = GC.AllocateUninitializedArray<byte>(bytes.Length);
                bytes.CopyTo(own);
                _chunks.Add(own);
                return new ArenaSlice(_chunks.Count - 1, 0, bytes.Length);
            }

            _current = GC.AllocateUninitializedArray<byte>(ChunkSize);
            _chunks.Add(_current);
            _used = 0;
        }

        bytes.CopyTo(_current.AsSpan(_used));
        var slice = new ArenaSlice(_chunks.Count - 1, _used, bytes.Length);
        _used += bytes.Length;
        return slice;
    }

    /// <summary>The bytes of a slice added to this arena (empty for <see cref="ArenaSlice.Deleted"/>).</summary>
    public ReadOnlySpan<byte> Get(ArenaSlice slice) => slice.Length <= 0 ? [] : _chunks[slice.Chunk].AsSpan(slice.Offset, slice.Length);

    /// <summary>The chunks as they are now (slices added later may need chunks added later).</summary>
    public byte[][] Chunks() => [.. _chunks];

    /// <summary>A new array holding a slice's bytes (for callers that own what they get).</summary>
    public byte[] ToArray(ArenaSlice slice) => Get(slice).ToArray();
}
