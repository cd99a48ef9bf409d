using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Outpost.Bson.Serialization;

/// <summary>
/// Strict decoder over a span. Every length is checked against the bytes actually remaining before it is used,
/// so garbage input can only produce <see cref="BsonFormatException"/>, never an out-of-range read or a huge allocation.
/// Elements are first collected on a pooled stack shared by all nesting levels, so each document's and array's list is
/// allocated once at its exact size instead of growing; field names come from <see cref="FieldNameCache"/>.
/// </summary>
internal ref struct BsonBinaryReader
{
    // Strict: invalid UTF-8 throws instead of becoming U+FFFD, so one pass both validates and transcodes.
    private const int ShallowDepth = 32;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly BsonReaderOptions _options;
    private int _position;
    private BsonElement[]? _stack;
    private int _stackCount;
    private int _stackHighWater;
    // One copy of the input, made on first need: decoded strings and lazy nested documents/arrays are slices of it.
    private byte[]? _copy;
    // True when reading bytes the decoder has already validated in full (a lazy container being built): the UTF-8
    // checks are skipped and nested containers are not walked again.
    private bool _trusted;
    // For trusted bytes: whether the container being built was canonical, which makes everything inside it canonical.
    private bool _trustedCanonical;

    internal BsonBinaryReader(ReadOnlySpan<byte> buffer, BsonReaderOptions options)
    {
        _buffer = buffer;
        _options = options;
        _position = 0;
        _stack = null;
        _stackCount = 0;
        _stackHighWater = 0;
        _copy = null;
        _trusted = false;
        _trustedCanonical = false;
    }

    internal BsonDocument ReadTopLevel()
    {
        if (_buffer.Length < 5)
        {
            throw Error($"Input of {_buffer.Length} bytes is shorter than the smallest document (5 bytes)");
        }

        int declared = BinaryPrimitives.ReadInt32LittleEndian(_buffer);
        if (declared > _options.MaxDocumentSize)
        {
            throw Error($"Document length {declared} exceeds the maximum of {_options.MaxDocumentSize} bytes");
        }

        if (declared != _buffer.Length)
        {
            throw Error($"Document length prefix {declared} does not match the input length {_buffer.Length}");
        }

        try
        {
            return ReadDocument(_buffer.Length, depth: 1);
        }
        finally
        {
            ReleaseStack();
        }
    }

    /// <summary>Materializes one value whose bytes are exactly <paramref name="raw"/> (used by the lazy views).</summary>
    internal static BsonValue ReadSingleValue(BsonType type, ReadOnlySpan<byte> raw, BsonReaderOptions options)
    {
        var reader = new BsonBinaryReader(raw, options);
        try
        {
            var value = reader.ReadValue(type, raw.Length, depth: 1, name: string.Empty);
            if (reader._position != raw.Length)
            {
                throw Error($"Value of type {type} does not fill its {raw.Length} bytes", reader._position);
            }

            return value;
        }
        finally
        {
            reader.ReleaseStack();
        }
    }

    /// <summary>Builds the elements of a lazy document from bytes the decoder validated (see <see cref="BsonDocument"/>).</summary>
    internal static BsonElement[] ReadLazyDocument(byte[] raw, int offset, bool canonical)
    {
        // Trusted bytes can be counted first, so the exact array is filled directly (no pooled stack, no copy).
        int end = offset + BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(offset));
        var elements = new BsonElement[CountElements(raw, offset + 4, end - 1)];
        var reader = new BsonBinaryReader(raw, BsonReaderOptions.Default) { _copy = raw, _trusted = true, _trustedCanonical = canonical, _position = offset + 4 };
        try
        {
            for (int i = 0; i < elements.Length; i++)
            {
                var type = (BsonType)(sbyte)raw[reader._position++];
                string name = reader.ReadName(end - 1);
                elements[i] = new BsonElement(name, reader.ReadValue(type, end - 1, depth: 1, name));
            }

            reader.FinishContainer(offset, end);
            return elements;
        }
        finally
        {
            reader.ReleaseStack();
        }
    }

    /// <summary>Builds the values of a lazy array from bytes the decoder validated (see <see cref="BsonArray"/>).</summary>
    internal static BsonValue[] ReadLazyArray(byte[] raw, int offset, bool canonical)
    {
        int end = offset + BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(offset));
        int count = CountElements(raw, offset + 4, end - 1);
        var values = count == 0 ? [] : new BsonValue[count];
        var reader = new BsonBinaryReader(raw, BsonReaderOptions.Default) { _copy = raw, _trusted = true, _trustedCanonical = canonical, _position = offset + 4 };
        try
        {
            for (int i = 0; i < values.Length; i++)
            {
                var type = (BsonType)(sbyte)raw[reader._position++];
                reader.SkipCString(end - 1);
                values[i] = reader.ReadValue(type, end - 1, depth: 1, string.Empty);
            }

            reader.FinishContainer(offset, end);
            return values;
        }
        finally
        {
            reader.ReleaseStack();
        }
    }

    /// <summary>Number of elements between <paramref name="position"/> and <paramref name="end"/> of already validated bytes.</summary>
    private static int CountElements(byte[] raw, int position, int end)
    {
        int count = 0;
        while (position < end)
        {
            var type = (BsonType)(sbyte)raw[position];
            position = SkipNul(raw, position + 1);
            position += type switch
            {
                BsonType.Double or BsonType.DateTime or BsonType.Timestamp or BsonType.Int64 => 8,
                BsonType.String or BsonType.JavaScript or BsonType.Symbol => 4 + ReadLength(raw, position),
                BsonType.Document or BsonType.Array or BsonType.JavaScriptWithScope => ReadLength(raw, position),
                BsonType.Binary => 5 + ReadLength(raw, position),
                BsonType.ObjectId => 12,
                BsonType.Boolean => 1,
                BsonType.RegularExpression => SkipNul(raw, SkipNul(raw, position)) - position,
                BsonType.DBPointer => 4 + ReadLength(raw, position) + 12,
                BsonType.Int32 => 4,
                BsonType.Decimal128 => 16,
                _ => 0, // undefined, null, MinKey, MaxKey
            };
            count++;
        }

        return count;
    }

    private static int ReadLength(byte[] raw, int position) => BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(position));

    private static int SkipNul(byte[] raw, int position)
    {
        while (raw[position] != 0)
        {
            position++;
        }

        return position + 1;
    }

    /// <summary>One document level: its scalars are decoded, nested documents and arrays become lazy.</summary>
    private BsonDocument ReadDocument(int limit, int depth) => new(ReadElements(limit, depth));

    private BsonElement[] ReadElements(int limit, int depth)
    {
        CheckDepth(depth);

        int start = _position;
        int end = ReadContainerEnd(limit);
        int mark = _stackCount;
        while (_position < end - 1)
        {
            var type = (BsonType)(sbyte)_buffer[_position++];
            string name = ReadName(end - 1);
            Push(new BsonElement(name, ReadValue(type, end - 1, depth, name)));
        }

        FinishContainer(start, end);
        var elements = _stack.AsSpan(mark, _stackCount - mark).ToArray();
        Pop(mark);
        return elements;
    }

    private BsonValue[] ReadArrayValues(int limit, int depth)
    {
        CheckDepth(depth);

        int start = _position;
        int end = ReadContainerEnd(limit);
        int mark = _stackCount;
        while (_position < end - 1)
        {
            var type = (BsonType)(sbyte)_buffer[_position++];
            // Array keys are accepted as written (the corpus requires it) and regenerated on write, so they are
            // validated but never turned into strings.
            SkipCString(end - 1);
            Push(new BsonElement(string.Empty, ReadValue(type, end - 1, depth, string.Empty)));
        }

        FinishContainer(start, end);
        var items = _stack.AsSpan(mark, _stackCount - mark);
        var values = items.IsEmpty ? [] : new BsonValue[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            values[i] = items[i].Value;
        }

        Pop(mark);
        return values;
    }

    /// <summary>
    /// A nested document or array: validated in full now (so decoding still rejects exactly what it did), built later.
    /// Its bytes stay in the decode's copy of the input, which the lazy value shares with the strings around it.
    /// </summary>
    private BsonValue ReadLazyContainer(int limit, int depth, bool isArray)
    {
        int start = _position;
        bool canonical;
        if (_trusted)
        {
            // Already validated, and canonical when its parent's walk found the whole subtree canonical.
            _position += BinaryPrimitives.ReadInt32LittleEndian(_buffer[start..]);
            canonical = _trustedCanonical;
        }
        else
        {
            _position = BsonValidator.ValidateContainer(_buffer, start, limit, depth, _options.MaxDepth, isArray, out canonical);
        }

        var copy = Copy();
        return isArray ? new BsonArray(copy, start, canonical) : new BsonDocument(copy, start, canonical);
    }

    private byte[] Copy() => _copy ??= _buffer.ToArray();

    private readonly void CheckDepth(int depth)
    {
        // The stack check keeps a very large configured MaxDepth from turning into a stack overflow; shallow levels
        // (all real documents) skip it because a few dozen frames cannot exhaust the stack.
        if (depth > _options.MaxDepth || (depth > ShallowDepth && !RuntimeHelpers.TryEnsureSufficientExecutionStack()))
        {
            throw DepthError();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException DepthError() => Error($"Nesting exceeds the maximum depth of {_options.MaxDepth}");

    private void Push(BsonElement element)
    {
        if (_stack is null || _stackCount == _stack.Length)
        {
            Grow();
        }

        _stack![_stackCount++] = element;
    }

    private void Grow()
    {
        var larger = ArrayPool<BsonElement>.Shared.Rent(_stack is null ? 64 : _stack.Length * 2);
        if (_stack is not null)
        {
            _stack.AsSpan(0, _stackCount).CopyTo(larger);
            ReleaseStack();
        }

        _stack = larger;
    }

    /// <summary>Drops the elements above <paramref name="mark"/> (cleared once, on release, up to the high-water mark).</summary>
    private void Pop(int mark)
    {
        _stackHighWater = Math.Max(_stackHighWater, _stackCount);
        _stackCount = mark;
    }

    private void ReleaseStack()
    {
        if (_stack is not null)
        {
            // Clear every slot ever used so the pooled array keeps no decoded values alive.
            _stack.AsSpan(0, Math.Max(_stackHighWater, _stackCount)).Clear();
            ArrayPool<BsonElement>.Shared.Return(_stack);
            _stack = null;
        }
    }

    /// <summary>Reads a container's length prefix and returns its end offset after validating it lies within <paramref name="limit"/>.</summary>
    private int ReadContainerEnd(int limit)
    {
        int start = _position;
        int length = ReadInt32(limit);
        if (length < 5)
        {
            throw Error($"Document length {length} is smaller than 5", start);
        }

        if (length > limit - start)
        {
            throw Error($"Document length {length} runs past the end of its enclosing data ({limit - start} bytes available)", start);
        }

        int end = start + length;
        if (_buffer[end - 1] != 0)
        {
            throw Error("Document is not terminated by a NUL byte", end - 1);
        }

        return end;
    }

    private void FinishContainer(int start, int end)
    {
        // The last element must end exactly at the terminator; anything else means a lying length somewhere.
        if (_position != end - 1)
        {
            throw Error($"Elements of the document starting at {start} overrun its declared end");
        }

        _position = end;
    }

    private BsonValue ReadValue(BsonType type, int limit, int depth, string name)
    {
        int at = _position;
        switch (type)
        {
            case BsonType.Double:
                return new BsonDouble(BitConverter.Int64BitsToDouble(ReadInt64(limit)));
            case BsonType.String:
                return ReadBsonString(limit);
            case BsonType.Document:
                return _options.LazyContainers || _trusted ? ReadLazyContainer(limit, depth + 1, isArray: false) : ReadDocument(limit, depth + 1);
            case BsonType.Array:
                return _options.LazyContainers || _trusted ? ReadLazyContainer(limit, depth + 1, isArray: true) : new BsonArray(ReadArrayValues(limit, depth + 1));
            case BsonType.Binary:
                return ReadBinary(limit);
            case BsonType.Undefined:
                return BsonUndefined.Value;
            case BsonType.ObjectId:
                return new BsonObjectId(ReadObjectId(limit));
            case BsonType.Boolean:
            {
                Need(1, limit);
                byte b = _buffer[_position++];
                return b switch
                {
                    0 => BsonBoolean.False,
                    1 => BsonBoolean.True,
                    _ => throw Error($"Invalid boolean byte 0x{b:x2} in element '{name}'", at),
                };
            }

            case BsonType.DateTime:
                return new BsonDateTime(ReadInt64(limit));
            case BsonType.Null:
                return BsonNull.Value;
            case BsonType.RegularExpression:
            {
                string pattern = ReadCString(limit);
                string options = ReadCString(limit);
                return new BsonRegularExpression(pattern, SortOptions(options));
            }

            case BsonType.DBPointer:
            {
                string ns = ReadString(limit);
                return new BsonDBPointer(ns, ReadObjectId(limit));
            }

            case BsonType.JavaScript:
                return new BsonJavaScript(ReadString(limit));
            case BsonType.Symbol:
                return new BsonSymbol(ReadString(limit));
            case BsonType.JavaScriptWithScope:
            {
                int total = ReadInt32(limit);
                // 4 (total) + 5 (smallest string) + 5 (smallest document)
                if (total < 14 || total > limit - at)
                {
                    throw Error($"Code-with-scope length {total} is invalid in element '{name}'", at);
                }

                int end = at + total;
                string code = ReadString(end);
                var scope = ReadDocument(end, depth + 1);
                if (_position != end)
                {
                    throw Error($"Code-with-scope length {total} does not match its contents in element '{name}'", at);
                }

                return new BsonJavaScriptWithScope(code, scope);
            }

            case BsonType.Int32:
                return BsonInt32.Create(ReadInt32(limit));
            case BsonType.Timestamp:
                return new BsonTimestamp((ulong)ReadInt64(limit));
            case BsonType.Int64:
                return new BsonInt64(ReadInt64(limit));
            case BsonType.Decimal128:
            {
                Need(16, limit);
                ulong low = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[_position..]);
                ulong high = BinaryPrimitives.ReadUInt64LittleEndian(_buffer[(_position + 8)..]);
                _position += 16;
                return new BsonDecimal128(new Decimal128(high, low));
            }

            case BsonType.MinKey:
                return BsonMinKey.Value;
            case BsonType.MaxKey:
                return BsonMaxKey.Value;
            default:
                throw Error($"Unknown BSON type byte 0x{(byte)type:x2} for element '{name}'", at);
        }
    }

    private BsonBinary ReadBinary(int limit)
    {
        int at = _position;
        int length = ReadInt32(limit);
        if (length < 0)
        {
            throw Error($"Binary length {length} is negative", at);
        }

        Need(1, limit);
        var subType = (BsonBinarySubType)_buffer[_position++];
        Need(length, limit);
        if (subType == BsonBinarySubType.OldBinary)
        {
            // Old binary repeats the payload length inside; both must agree.
            if (length < 4)
            {
                throw Error($"Old binary (subtype 2) length {length} is too short for its inner length", at);
            }

            int inner = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
            if (inner != length - 4)
            {
                throw Error($"Old binary (subtype 2) inner length {inner} does not match outer length {length}", at);
            }

            _position += 4;
            length -= 4;
        }

        var data = _buffer.Slice(_position, length).ToArray();
        _position += length;
        return BsonBinary.FromOwnedArray(data, subType);
    }

    private ObjectId ReadObjectId(int limit)
    {
        Need(12, limit);
        var id = new ObjectId(_buffer.Slice(_position, 12));
        _position += 12;
        return id;
    }

    private int ReadInt32(int limit)
    {
        Need(4, limit);
        int value = BinaryPrimitives.ReadInt32LittleEndian(_buffer[_position..]);
        _position += 4;
        return value;
    }

    private long ReadInt64(int limit)
    {
        Need(8, limit);
        long value = BinaryPrimitives.ReadInt64LittleEndian(_buffer[_position..]);
        _position += 8;
        return value;
    }

    private string ReadString(int limit)
    {
        int at = _position;
        var utf8 = ReadStringBytes(limit);
        string text;
        try
        {
            // Most stored strings are ASCII: one vectorized check, then a plain widening copy into the new string.
            text = Ascii.IsValid(utf8)
                ? string.Create(utf8.Length, utf8, static (chars, source) => Ascii.ToUtf16(source, chars, out _))
                : StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            throw Error("String is not valid UTF-8", at);
        }

        return text;
    }

    /// <summary>
    /// A string value as a slice of the decode's copy of the input, validated as UTF-8 but not transcoded: the .NET
    /// string is created by <see cref="BsonString.Value"/> on first read, if ever.
    /// </summary>
    private BsonString ReadBsonString(int limit)
    {
        int at = _position;
        var utf8 = ReadStringBytes(limit);
        if (!_trusted && !Ascii.IsValid(utf8) && !Utf8.IsValid(utf8))
        {
            throw Error("String is not valid UTF-8", at);
        }

        return new BsonString(Copy(), at + 4, utf8.Length);
    }

    /// <summary>Reads a string's length prefix and NUL terminator; returns the bytes before the NUL (not yet validated).</summary>
    private ReadOnlySpan<byte> ReadStringBytes(int limit)
    {
        int at = _position;
        int length = ReadInt32(limit);
        if (length < 1)
        {
            throw Error($"String length {length} must be at least 1", at);
        }

        if (length > limit - _position)
        {
            throw Error($"String length {length} runs past the end of its document", at);
        }

        var bytes = _buffer.Slice(_position, length);
        if (bytes[^1] != 0)
        {
            throw Error("String is not terminated by a NUL byte", _position + length - 1);
        }

        _position += length;
        return bytes[..^1];
    }

    /// <summary>An element name: short ASCII names come from the shared cache, others are decoded like cstrings.</summary>
    private string ReadName(int limit)
    {
        int nul = FindNul(limit);
        if (nul >= 0 && FieldNameCache.Shared.GetOrAdd(_buffer.Slice(_position, nul)) is { } cached)
        {
            _position += nul + 1;
            return cached;
        }

        return ReadCString(limit);
    }

    /// <summary>Offset of the next NUL from the current position before <paramref name="limit"/>, or -1.</summary>
    private readonly int FindNul(int limit)
    {
        // Names are short: a plain loop over the first bytes beats the vectorized search's set-up cost.
        int end = Math.Min(limit, _position + 16);
        for (int i = _position; i < end; i++)
        {
            if (_buffer[i] == 0)
            {
                return i - _position;
            }
        }

        if (end == limit)
        {
            return -1;
        }

        int rest = _buffer[end..limit].IndexOf((byte)0);
        return rest < 0 ? -1 : rest + (end - _position);
    }

    private void SkipCString(int limit)
    {
        int at = _position;
        int nul = FindNul(limit);
        if (nul < 0)
        {
            throw Error("Missing NUL terminator of a name or cstring", at);
        }

        if (!_trusted && !Utf8.IsValid(_buffer.Slice(_position, nul)))
        {
            throw Error("Name or cstring is not valid UTF-8", at);
        }

        _position += nul + 1;
    }

    private string ReadCString(int limit)
    {
        int at = _position;
        int available = limit - _position;
        int nul = available > 0 ? _buffer.Slice(_position, available).IndexOf((byte)0) : -1;
        if (nul < 0)
        {
            throw Error("Missing NUL terminator of a name or cstring", at);
        }

        var text = _buffer.Slice(_position, nul);
        if (!Utf8.IsValid(text))
        {
            throw Error("Name or cstring is not valid UTF-8", at);
        }

        _position += nul + 1;
        return Encoding.UTF8.GetString(text);
    }

    private readonly void Need(int count, int limit)
    {
        if (count > limit - _position)
        {
            throw TruncatedError(count, limit);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException TruncatedError(int count, int limit) =>
        Error($"Truncated input: {count} bytes needed, {Math.Max(0, limit - _position)} available", _position);

    private readonly BsonFormatException Error(string message) => new(message, _position);

    private static BsonFormatException Error(string message, int offset) => new(message, offset);

    /// <summary>Canonical BSON keeps regex options alphabetical; degenerate input ("mix") is normalized ("imx") on decode.</summary>
    private static string SortOptions(string options)
    {
        for (int i = 1; i < options.Length; i++)
        {
            if (options[i] < options[i - 1])
            {
                char[] letters = options.ToCharArray();
                Array.Sort(letters);
                return new string(letters);
            }
        }

        return options;
    }
}
