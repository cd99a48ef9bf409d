using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Outpost.Bson.Serialization;

namespace Outpost.Bson;

/// <summary>
/// Read-only, lazy access to an encoded BSON document without materializing it. Only the bytes actually walked
/// are validated, but every read is bounds-checked: garbage input yields <see cref="BsonFormatException"/>, never an
/// out-of-range read. Lookups by path allocate nothing.
/// </summary>
public readonly ref struct BsonDocumentView
{
    private readonly ReadOnlySpan<byte> _bytes;

    /// <summary>Wraps the document at the start of <paramref name="bson"/>; bytes after its declared length are ignored.</summary>
    /// <exception cref="BsonFormatException">When the length prefix or terminator is invalid.</exception>
    public BsonDocumentView(ReadOnlySpan<byte> bson)
    {
        if (bson.Length < 5)
        {
            throw new BsonFormatException($"Input of {bson.Length} bytes is shorter than the smallest document (5 bytes)", 0);
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(bson);
        if (length < 5 || length > bson.Length)
        {
            throw new BsonFormatException($"Document length {length} is invalid for {bson.Length} available bytes", 0);
        }

        if (bson[length - 1] != 0)
        {
            throw new BsonFormatException("Document is not terminated by a NUL byte", length - 1);
        }

        _bytes = bson[..length];
    }

    /// <summary>The document's bytes (exactly its declared length).</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>Enumerates the elements in order, validating each as it is reached.</summary>
    public Enumerator GetEnumerator() => new(_bytes);

    /// <summary>Decodes the whole document strictly (allocates).</summary>
    public BsonDocument ToBsonDocument(BsonReaderOptions? options = null) => BsonSerializer.Deserialize(_bytes, options);

    /// <summary>Finds the first element named <paramref name="name"/> (UTF-8) at this level.</summary>
    public bool TryGetElement(scoped ReadOnlySpan<byte> name, out BsonValueView value)
    {
        foreach (var element in this)
        {
            if (element.Name.SequenceEqual(name))
            {
                value = element.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Resolves a dotted path such as <c>"exif.gps.lat"</c> or <c>"tags.0"</c>: each segment is a plain field name;
    /// on an array a numeric segment selects that position. Allocates nothing for names up to 256 UTF-8 bytes.
    /// </summary>
    /// <exception cref="BsonFormatException">When the bytes walked are malformed.</exception>
    public bool TryGetValue(scoped ReadOnlySpan<char> dottedPath, out BsonValueView value)
    {
        value = default;
        var current = this;
        bool currentIsArray = false;
        while (true)
        {
            int dot = dottedPath.IndexOf('.');
            var segment = dot < 0 ? dottedPath : dottedPath[..dot];
            BsonValueView found;
            bool ok = currentIsArray ? current.TryGetIndex(segment, out found) : current.TryGetField(segment, out found);
            if (!ok)
            {
                return false;
            }

            if (dot < 0)
            {
                value = found;
                return true;
            }

            dottedPath = dottedPath[(dot + 1)..];
            if (found.Type is not (BsonType.Document or BsonType.Array))
            {
                return false;
            }

            currentIsArray = found.Type == BsonType.Array;
            current = new BsonDocumentView(found.Raw);
        }
    }

    private bool TryGetField(scoped ReadOnlySpan<char> name, out BsonValueView value)
    {
        int max = Encoding.UTF8.GetMaxByteCount(name.Length);
        byte[]? rented = null;
        Span<byte> buffer = max <= 256 ? stackalloc byte[256] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            int count = Encoding.UTF8.GetBytes(name, buffer);
            return TryGetElement(buffer[..count], out value);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private bool TryGetIndex(scoped ReadOnlySpan<char> segment, out BsonValueView value)
    {
        value = default;
        if (segment.IsEmpty || segment.Length > 9)
        {
            return false;
        }

        int index = 0;
        foreach (char ch in segment)
        {
            if (ch is < '0' or > '9')
            {
                return false;
            }

            index = (index * 10) + (ch - '0');
        }

        foreach (var element in this)
        {
            if (index-- == 0)
            {
                value = element.Value;
                return true;
            }
        }

        return false;
    }

    /// <summary>Element-by-element reader; each step checks every length against the remaining bytes.</summary>
    public ref struct Enumerator
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private int _position;
        private BsonElementView _current;

        internal Enumerator(ReadOnlySpan<byte> bytes)
        {
            _bytes = bytes;
            _position = 4;
            _current = default;
        }

        public readonly BsonElementView Current => _current;

        public bool MoveNext()
        {
            int end = _bytes.Length - 1; // the terminator
            if (_position >= end)
            {
                return false;
            }

            var type = (BsonType)(sbyte)_bytes[_position++];
            int nul = _bytes[_position..end].IndexOf((byte)0);
            if (nul < 0)
            {
                throw new BsonFormatException("Missing NUL terminator of an element name", _position);
            }

            var name = _bytes.Slice(_position, nul);
            _position += nul + 1;
            int size = ValueSize(type, _bytes[_position..end], _position);
            _current = new BsonElementView(name, new BsonValueView(type, _bytes.Slice(_position, size)));
            _position += size;
            return true;
        }

        /// <summary>Size of the value starting at <paramref name="rest"/>[0], validated against <paramref name="rest"/>'s length.</summary>
        private static int ValueSize(BsonType type, ReadOnlySpan<byte> rest, int offset)
        {
            int size = type switch
            {
                BsonType.Double or BsonType.DateTime or BsonType.Int64 or BsonType.Timestamp => 8,
                BsonType.Int32 => 4,
                BsonType.Boolean => 1,
                BsonType.ObjectId => 12,
                BsonType.Decimal128 => 16,
                BsonType.Null or BsonType.Undefined or BsonType.MinKey or BsonType.MaxKey => 0,
                BsonType.String or BsonType.Symbol or BsonType.JavaScript => StringSize(rest, offset),
                BsonType.Document or BsonType.Array => PrefixedSize(rest, offset, 5),
                BsonType.JavaScriptWithScope => PrefixedSize(rest, offset, 14),
                BsonType.Binary => BinarySize(rest, offset),
                BsonType.RegularExpression => RegexSize(rest, offset),
                BsonType.DBPointer => StringSize(rest, offset) + 12,
                _ => throw new BsonFormatException($"Unknown BSON type byte 0x{(byte)type:x2}", offset - 1),
            };

            if (size > rest.Length)
            {
                throw new BsonFormatException($"Truncated {type} value: {size} bytes needed, {rest.Length} available", offset);
            }

            return size;
        }

        private static int ReadLength(ReadOnlySpan<byte> rest, int offset)
        {
            if (rest.Length < 4)
            {
                throw new BsonFormatException("Truncated length prefix", offset);
            }

            return BinaryPrimitives.ReadInt32LittleEndian(rest);
        }

        private static int StringSize(ReadOnlySpan<byte> rest, int offset)
        {
            int length = ReadLength(rest, offset);
            if (length < 1 || length > rest.Length - 4)
            {
                throw new BsonFormatException($"String length {length} is invalid", offset);
            }

            if (rest[4 + length - 1] != 0)
            {
                throw new BsonFormatException("String is not terminated by a NUL byte", offset + 4 + length - 1);
            }

            return 4 + length;
        }

        private static int PrefixedSize(ReadOnlySpan<byte> rest, int offset, int minimum)
        {
            int length = ReadLength(rest, offset);
            if (length < minimum || length > rest.Length)
            {
                throw new BsonFormatException($"Embedded length {length} is invalid", offset);
            }

            return length;
        }

        private static int BinarySize(ReadOnlySpan<byte> rest, int offset)
        {
            int length = ReadLength(rest, offset);
            if (length < 0 || length > rest.Length - 5)
            {
                throw new BsonFormatException($"Binary length {length} is invalid", offset);
            }

            return 5 + length;
        }

        private static int RegexSize(ReadOnlySpan<byte> rest, int offset)
        {
            int first = rest.IndexOf((byte)0);
            int second = first < 0 ? -1 : rest[(first + 1)..].IndexOf((byte)0);
            if (second < 0)
            {
                throw new BsonFormatException("Regular expression is missing a NUL terminator", offset);
            }

            return first + 1 + second + 1;
        }
    }
}
