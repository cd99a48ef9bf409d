using System.Buffers;

namespace Outpost.Bson.Keys;

/// <summary>A growable byte buffer over pooled arrays; the encoder writes here so it can invert descending fields in place.</summary>
internal sealed class KeyBuffer : IDisposable
{
    private byte[] _buffer;

    internal KeyBuffer(int initialCapacity = 64) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    internal int Length { get; private set; }

    internal ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    internal void WriteByte(byte value)
    {
        if (Length == _buffer.Length)
        {
            Grow(1);
        }

        _buffer[Length++] = value;
    }

    internal void Write(ReadOnlySpan<byte> bytes)
    {
        GetSpan(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Room for at least <paramref name="size"/> bytes at the end; call <see cref="Advance"/> after writing.</summary>
    internal Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - Length < size)
        {
            Grow(size);
        }

        return _buffer.AsSpan(Length);
    }

    internal void Advance(int count) => Length += count;

    /// <summary>Flips every bit written since <paramref name="start"/> (descending order).</summary>
    internal void Invert(int start)
    {
        var span = _buffer.AsSpan(start, Length - start);
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = (byte)~span[i];
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        Length = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(int needed)
    {
        int size = Math.Max(_buffer.Length * 2, Length + needed);
        var next = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, Length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
