using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Outpost.Bson.Serialization;

/// <summary>
/// Encoder into a pooled, growable buffer. Container lengths are back-patched once the container is complete,
/// so a document is written in a single pass.
/// </summary>
internal sealed class BsonBinaryWriter : IDisposable
{
    private const int MaxDepth = 1000;
    private byte[] _buffer;
    private int _position;

    internal BsonBinaryWriter(int initialCapacity = 256) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    internal ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _position);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    internal void WriteDocument(BsonDocument document, int depth = 0)
    {
        CheckDepth(depth);
        int start = BeginContainer();
        foreach (var element in document)
        {
            WriteElement(element.Name, element.Value, depth);
        }

        EndContainer(start);
    }

    private void WriteArray(BsonArray array, int depth)
    {
        CheckDepth(depth);
        int start = BeginContainer();
        Span<char> key = stackalloc char[11];
        for (int i = 0; i < array.Count; i++)
        {
            i.TryFormat(key, out int written, default, CultureInfo.InvariantCulture);
            WriteElement(key[..written], array[i], depth);
        }

        EndContainer(start);
    }

    private void WriteElement(ReadOnlySpan<char> name, BsonValue value, int depth)
    {
        WriteByte((byte)value.Type);
        WriteCString(name);
        switch (value)
        {
            case BsonDouble v: WriteInt64(BitConverter.DoubleToInt64Bits(v.Value)); break;
            case BsonString v when v.HasUtf8: WriteUtf8String(v.Utf8); break;
            case BsonString v: WriteString(v.Value); break;
            // An unbuilt decoded container with canonical bytes is copied as it is (see BsonDocument.TryGetRaw).
            case BsonDocument v when v.TryGetRaw(out var raw): WriteBytes(raw); break;
            case BsonDocument v: WriteDocument(v, depth + 1); break;
            case BsonArray v when v.TryGetRaw(out var raw): WriteBytes(raw); break;
            case BsonArray v: WriteArray(v, depth + 1); break;
            case BsonBinary v:
            {
                var data = v.Data.Span;
                bool old = v.SubType == BsonBinarySubType.OldBinary;
                WriteInt32(old ? data.Length + 4 : data.Length);
                WriteByte((byte)v.SubType);
                if (old)
                {
                    WriteInt32(data.Length);
                }

                WriteBytes(data);
                break;
            }

            case BsonUndefined:
            case BsonNull:
            case BsonMinKey:
            case BsonMaxKey:
                break;
            case BsonObjectId v: WriteObjectId(v.Value); break;
            case BsonBoolean v: WriteByte(v.Value ? (byte)1 : (byte)0); break;
            case BsonDateTime v: WriteInt64(v.MillisecondsSinceEpoch); break;
            case BsonRegularExpression v:
                WriteCString(v.Pattern);
                WriteCString(v.Options);
                break;
            case BsonDBPointer v:
                WriteString(v.Namespace);
                WriteObjectId(v.Id);
                break;
            case BsonJavaScript v: WriteString(v.Code); break;
            case BsonSymbol v: WriteString(v.Name); break;
            case BsonJavaScriptWithScope v:
            {
                int start = BeginContainer();
                WriteString(v.Code);
                WriteDocument(v.Scope, depth + 1);
                EndContainer(start, terminate: false);
                break;
            }

            case BsonInt32 v: WriteInt32(v.Value); break;
            case BsonTimestamp v: WriteInt64((long)v.Value); break;
            case BsonInt64 v: WriteInt64(v.Value); break;
            case BsonDecimal128 v:
                WriteInt64((long)v.Value.Low);
                WriteInt64((long)v.Value.High);
                break;
            default:
                throw new BsonFormatException($"Cannot serialize BSON value of type {value.Type}.");
        }
    }

    private static void CheckDepth(int depth)
    {
        // Guards the recursion itself (a self-containing document would otherwise overflow the stack).
        if (depth > MaxDepth)
        {
            throw new BsonFormatException($"Document nesting exceeds {MaxDepth} levels; is a document contained in itself?");
        }
    }

    private int BeginContainer()
    {
        int start = _position;
        WriteInt32(0);
        return start;
    }

    private void EndContainer(int start, bool terminate = true)
    {
        if (terminate)
        {
            WriteByte(0);
        }

        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(start), _position - start);
    }

    private void WriteObjectId(ObjectId id)
    {
        id.WriteTo(GetSpan(12));
        _position += 12;
    }

    private void WriteString(string value)
    {
        int lengthAt = _position;
        WriteInt32(0);
        var span = GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        int count = Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
        _position += count + 1;
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(lengthAt), count + 1);
    }

    /// <summary>A decoded string's bytes are written as they are: they were validated as UTF-8 when decoded.</summary>
    private void WriteUtf8String(ReadOnlySpan<byte> utf8)
    {
        WriteInt32(utf8.Length + 1);
        var span = GetSpan(utf8.Length + 1);
        utf8.CopyTo(span);
        span[utf8.Length] = 0;
        _position += utf8.Length + 1;
    }

    private void WriteCString(ReadOnlySpan<char> value)
    {
        if (value.Contains('\0'))
        {
            throw new BsonFormatException($"Name or cstring '{value.ToString().Replace("\0", "\\0", StringComparison.Ordinal)}' contains a NUL character and cannot be encoded.");
        }

        var span = GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 1);
        int count = Encoding.UTF8.GetBytes(value, span);
        span[count] = 0;
        _position += count + 1;
    }

    private void WriteByte(byte value)
    {
        GetSpan(1)[0] = value;
        _position++;
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(GetSpan(4), value);
        _position += 4;
    }

    private void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(GetSpan(8), value);
        _position += 8;
    }

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _position += bytes.Length;
    }

    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _position < size)
        {
            Grow(size);
        }

        return _buffer.AsSpan(_position);
    }

    private void Grow(int size)
    {
        int needed = checked(_position + size);
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _position).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
