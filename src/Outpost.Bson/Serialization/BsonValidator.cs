using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Outpost.Bson.Serialization;

/// <summary>
/// Checks BSON bytes without building objects: the same rules as <see cref="BsonSerializer.Deserialize(ReadOnlySpan{byte}, BsonReaderOptions?)"/>
/// (it throws exactly when decoding would), plus whether the bytes are already in the form the encoder writes, so a
/// caller can store them as they are instead of decoding and re-encoding (the wire's insert path).
/// </summary>
public static class BsonValidator
{
    /// <summary>
    /// Validates one document occupying all of <paramref name="bson"/>. Returns true when
    /// <c>Serialize(Deserialize(bson))</c> would give back exactly <paramref name="bson"/>; false when the bytes are valid
    /// but decoding normalizes them (array keys other than "0", "1", …; regex options out of alphabetical order).
    /// </summary>
    /// <exception cref="BsonFormatException">On any input <see cref="BsonSerializer.Deserialize(ReadOnlySpan{byte}, BsonReaderOptions?)"/> rejects.</exception>
    public static bool Validate(ReadOnlySpan<byte> bson, BsonReaderOptions? options = null)
    {
        options ??= BsonReaderOptions.Default;
        if (bson.Length < 5)
        {
            throw new BsonFormatException($"Input of {bson.Length} bytes is shorter than the smallest document (5 bytes)", 0);
        }

        int declared = BinaryPrimitives.ReadInt32LittleEndian(bson);
        if (declared > options.MaxDocumentSize)
        {
            throw new BsonFormatException($"Document length {declared} exceeds the maximum of {options.MaxDocumentSize} bytes", 0);
        }

        if (declared != bson.Length)
        {
            throw new BsonFormatException($"Document length prefix {declared} does not match the input length {bson.Length}", 0);
        }

        var walker = new Walker(bson, options.MaxDepth);
        walker.Container(bson.Length, depth: 1, isArray: false);
        return walker.Canonical;
    }

    /// <summary>
    /// Validates the document or array starting at <paramref name="position"/> (its length prefix) exactly as the decoder
    /// would, nesting included, and returns the offset just past it; the decoder uses this for the containers it keeps lazy.
    /// <paramref name="canonical"/> tells whether encoding the decoded container gives back exactly these bytes.
    /// </summary>
    internal static int ValidateContainer(ReadOnlySpan<byte> buffer, int position, int limit, int depth, int maxDepth, bool isArray, out bool canonical)
    {
        var walker = new Walker(buffer, maxDepth) { Position = position };
        walker.Container(limit, depth, isArray);
        canonical = walker.Canonical;
        return walker.Position;
    }

    /// <summary>A cursor over the bytes; mirrors BsonBinaryReader's checks step by step (keep the two in agreement).</summary>
    private ref struct Walker(ReadOnlySpan<byte> buffer, int maxDepth)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;
        private int _position;

        public bool Canonical { get; private set; } = true;

        public int Position
        {
            readonly get => _position;
            set => _position = value;
        }

        public void Container(int limit, int depth, bool isArray)
        {
            if (depth > maxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw Error($"Nesting exceeds the maximum depth of {maxDepth}", _position);
            }

            int start = _position;
            int length = ReadInt32(limit);
            if (length < 5) throw Error($"Document length {length} is smaller than 5", start);
            if (length > limit - start) throw Error($"Document length {length} runs past the end of its enclosing data ({limit - start} bytes available)", start);
            int end = start + length;
            if (_buffer[end - 1] != 0) throw Error("Document is not terminated by a NUL byte", end - 1);

            int index = 0;
            while (_position < end - 1)
            {
                var type = (BsonType)(sbyte)_buffer[_position++];
                var name = CString(end - 1);
                if (isArray && Canonical && !IsIndexKey(name, index)) Canonical = false;
                index++;
                Value(type, end - 1, depth);
            }

            if (_position != end - 1) throw Error($"Elements of the document starting at {start} overrun its declared end", _position);
            _position = end;
        }

        private static bool IsIndexKey(ReadOnlySpan<byte> name, int index)
        {
            if (index < 10)
            {
                return name.Length == 1 && name[0] == '0' + index;
            }

            Span<byte> expected = stackalloc byte[11];
            index.TryFormat(expected, out int written, default, System.Globalization.CultureInfo.InvariantCulture);
            return name.SequenceEqual(expected[..written]);
        }

        private void Value(BsonType type, int limit, int depth)
        {
            int at = _position;
            switch (type)
            {
                case BsonType.Double:
                case BsonType.DateTime:
                case BsonType.Timestamp:
                case BsonType.Int64:
                    Skip(8, limit);
                    break;
                case BsonType.String:
                case BsonType.JavaScript:
                case BsonType.Symbol:
                    String(limit);
                    break;
                case BsonType.Document:
                    Container(limit, depth + 1, isArray: false);
                    break;
                case BsonType.Array:
                    Container(limit, depth + 1, isArray: true);
                    break;
                case BsonType.Binary:
                    Binary(limit);
                    break;
                case BsonType.Undefined:
                case BsonType.Null:
                case BsonType.MinKey:
                case BsonType.MaxKey:
                    break;
                case BsonType.ObjectId:
                    Skip(12, limit);
                    break;
                case BsonType.Boolean:
                {
                    Need(1, limit);
                    byte b = _buffer[_position++];
                    if (b > 1) throw Error($"Invalid boolean byte 0x{b:x2}", at);
                    break;
                }

                case BsonType.RegularExpression:
                {
                    CString(limit);
                    var options = CString(limit);
                    // The decoder sorts the options (as UTF-16 chars); only plain ASCII in order is surely left as it is.
                    for (int i = 0; i < options.Length && Canonical; i++)
                        if (options[i] >= 0x80 || (i > 0 && options[i] < options[i - 1])) Canonical = false;
                    break;
                }

                case BsonType.DBPointer:
                    String(limit);
                    Skip(12, limit);
                    break;
                case BsonType.JavaScriptWithScope:
                {
                    int total = ReadInt32(limit);
                    if (total < 14 || total > limit - at) throw Error($"Code-with-scope length {total} is invalid", at);
                    int end = at + total;
                    String(end);
                    Container(end, depth + 1, isArray: false);
                    if (_position != end) throw Error($"Code-with-scope length {total} does not match its contents", at);
                    break;
                }

                case BsonType.Int32:
                    Skip(4, limit);
                    break;
                case BsonType.Decimal128:
                    Skip(16, limit);
                    break;
                default:
                    throw Error($"Unknown BSON type byte 0x{(byte)type:x2}", at);
            }
        }

        private void Binary(int limit)
        {
            int at = _position;
            int length = ReadInt32(limit);
            if (length < 0) throw Error($"Binary length {length} is negative", at);
            Need(1, limit);
            var subType = (BsonBinarySubType)_buffer[_position++];
            Need(length, limit);
            if (subType == BsonBinarySubType.OldBinary)
            {
                if (length < 4) throw Error($"Old binary (subtype 2) length {length} is too short for its inner length", at);
                int inner = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
                if (inner != length - 4) throw Error($"Old binary (subtype 2) inner length {inner} does not match outer length {length}", at);
            }

            _position += length;
        }

        private void String(int limit)
        {
            int at = _position;
            int length = ReadInt32(limit);
            if (length < 1) throw Error($"String length {length} must be at least 1", at);
            if (length > limit - _position) throw Error($"String length {length} runs past the end of its document", at);
            var bytes = _buffer.Slice(_position, length);
            if (bytes[^1] != 0) throw Error("String is not terminated by a NUL byte", _position + length - 1);
            // Most strings are ASCII: the vectorized ASCII check is cheaper than full UTF-8 validation on short text.
            if (!Ascii.IsValid(bytes[..^1]) && !Utf8.IsValid(bytes[..^1])) throw Error("String is not valid UTF-8", at);
            _position += length;
        }

        private ReadOnlySpan<byte> CString(int limit)
        {
            int at = _position;
            // Names are short: one plain loop finds the NUL and notes any non-ASCII byte, cheaper than the vectorized
            // search plus a separate UTF-8 validation; longer text falls back to those.
            int end = Math.Min(limit, at + 16);
            int bits = 0;
            for (int i = at; i < end; i++)
            {
                byte b = _buffer[i];
                if (b == 0)
                {
                    var name = _buffer[at..i];
                    if (bits >= 0x80 && !Utf8.IsValid(name)) throw Error("Name or cstring is not valid UTF-8", at);
                    _position = i + 1;
                    return name;
                }

                bits |= b;
            }

            int available = limit - _position;
            int nul = available > 0 ? _buffer.Slice(_position, available).IndexOf((byte)0) : -1;
            if (nul < 0) throw Error("Missing NUL terminator of a name or cstring", at);
            var text = _buffer.Slice(_position, nul);
            if (!Utf8.IsValid(text)) throw Error("Name or cstring is not valid UTF-8", at);
            _position += nul + 1;
            return text;
        }

        private int ReadInt32(int limit)
        {
            Need(4, limit);
            int value = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
            _position += 4;
            return value;
        }

        private void Skip(int count, int limit)
        {
            Need(count, limit);
            _position += count;
        }

        private readonly void Need(int count, int limit)
        {
            if (count > limit - _position)
            {
                throw Truncated(count, limit);
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private readonly BsonFormatException Truncated(int count, int limit) =>
            Error($"Truncated input: {count} bytes needed, {Math.Max(0, limit - _position)} available", _position);

        private static BsonFormatException Error(string message, int offset) => new(message, offset);
    }
}
