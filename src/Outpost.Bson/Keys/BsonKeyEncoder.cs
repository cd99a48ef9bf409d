using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Outpost.Bson.Keys;

/// <summary>
/// Order-preserving key encoding for indexes: the unsigned byte order of encodings (memcmp, a shorter prefix first)
/// equals <see cref="BsonComparer"/>'s order of the values. Every encoded value starts with a tag byte that
/// places its type bracket, and is self-delimiting (no encoding is a proper prefix of another), so compound keys are
/// plain concatenations and a descending field is simply its encoding with every bit inverted.
/// </summary>
/// <remarks>
/// Layout per type (after the tag): numbers — see <c>NumericKey</c> (equal values of any numeric type encode
/// identically; NaN lowest; -0 == 0); strings and symbols — UTF-8 with 0x00 escaped as 00 FF, terminated by 00 01;
/// documents — per element: bracket tag of the value, name (as a string), value; then 0x00; arrays — values then 0x00;
/// binary — big-endian length, subtype, bytes (MongoDB orders binary by length first); ObjectId — 12 bytes;
/// boolean — its own tag; datetime — big-endian int64 with the sign bit flipped; timestamp — big-endian uint64;
/// regex — pattern, options; DBPointer — namespace, 12 bytes; code — code; code with scope — code, scope document.
/// <para>
/// Index entries: the engine stores <c>encoded key + encoded _id</c> (see <see cref="EncodeIndexEntry"/>), which keeps
/// entries of a non-unique index distinct and ordered by _id within one key. <see cref="GetIdSuffix"/> returns the
/// encoded _id, which is exactly the document's primary key (documents are keyed by <c>Encode(_id)</c>), so the
/// engine never needs to decode the _id back into a value.
/// </para>
/// </remarks>
public static class BsonKeyEncoder
{
    // No value encoding starts with 0xFF: ascending tags are <= 0x80, inverted (descending) tags are >= 0x7F and <= 0xF7.
    private const byte AfterAnyValue = 0xFF;

    /// <summary>Encodes one value in ascending order.</summary>
    public static byte[] Encode(BsonValue value) => Encode(value, descending: false);

    /// <summary>Encodes one value, ascending or descending.</summary>
    public static byte[] Encode(BsonValue value, bool descending)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var buffer = new KeyBuffer();
        WriteField(buffer, value, descending);
        return buffer.Written.ToArray();
    }

    /// <summary>Appends the encoding of one value to <paramref name="output"/>.</summary>
    public static void Encode(BsonValue value, bool descending, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new KeyBuffer();
        WriteField(buffer, value, descending);
        output.Write(buffer.Written);
    }

    /// <summary>Encodes a compound key: one value per index field, each with its own direction.</summary>
    /// <exception cref="ArgumentException">When the two spans differ in length.</exception>
    public static byte[] EncodeCompound(ReadOnlySpan<BsonValue> values, ReadOnlySpan<bool> descending)
    {
        using var buffer = new KeyBuffer();
        WriteCompound(buffer, values, descending);
        return buffer.Written.ToArray();
    }

    /// <summary>Appends a compound key to <paramref name="output"/>.</summary>
    public static void EncodeCompound(ReadOnlySpan<BsonValue> values, ReadOnlySpan<bool> descending, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new KeyBuffer();
        WriteCompound(buffer, values, descending);
        output.Write(buffer.Written);
    }

    /// <summary>
    /// An index entry key: the compound key followed by the ascending encoding of the document's <paramref name="id"/>.
    /// Entries sort by key, then by _id; <see cref="GetIdSuffix"/> recovers the encoded _id.
    /// </summary>
    public static byte[] EncodeIndexEntry(ReadOnlySpan<BsonValue> values, ReadOnlySpan<bool> descending, BsonValue id)
    {
        ArgumentNullException.ThrowIfNull(id);
        using var buffer = new KeyBuffer();
        WriteCompound(buffer, values, descending);
        WriteField(buffer, id, descending: false);
        return buffer.Written.ToArray();
    }

    /// <summary>The encoded _id after a key of <c>descending.Length</c> fields (the primary key of the document).</summary>
    /// <exception cref="FormatException">When <paramref name="entry"/> is not a well-formed encoding.</exception>
    public static ReadOnlySpan<byte> GetIdSuffix(ReadOnlySpan<byte> entry, ReadOnlySpan<bool> descending) =>
        entry[GetCompoundLength(entry, descending)..];

    /// <summary>The byte length of the compound key (of <c>descending.Length</c> fields) at the start of <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">When <paramref name="key"/> is not a well-formed encoding.</exception>
    public static int GetCompoundLength(ReadOnlySpan<byte> key, ReadOnlySpan<bool> descending)
    {
        int offset = 0;
        foreach (bool d in descending)
        {
            offset += GetEncodedLength(key[offset..], d);
        }

        return offset;
    }

    /// <summary>The byte length of the one encoded value at the start of <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">When <paramref name="key"/> is not a well-formed encoding.</exception>
    public static int GetEncodedLength(ReadOnlySpan<byte> key, bool descending)
    {
        var reader = new KeyReader(key, descending);
        reader.SkipValue();
        return reader.Position;
    }

    /// <summary>
    /// The smallest key bytes of a type bracket (inclusive lower bound): every encoded value of that bracket — for
    /// numbers, NaN through +Infinity — compares &gt;= this and &lt; <see cref="GetBracketEnd"/>.
    /// </summary>
    public static byte[] GetBracketStart(BsonType type, bool descending = false)
    {
        byte first = KeyTags.BracketBase(type);
        return [descending ? (byte)~(first + 7) : first];
    }

    /// <summary>The exclusive upper bound of a type bracket's keys (see <see cref="GetBracketStart"/>).</summary>
    public static byte[] GetBracketEnd(BsonType type, bool descending = false)
    {
        byte first = KeyTags.BracketBase(type);
        return [descending ? (byte)(~first + 1) : (byte)(first + 8)];
    }

    /// <summary>The encoding of MinKey: the smallest possible ascending key field (the largest descending one).</summary>
    public static byte[] MinKey(bool descending = false) => [descending ? (byte)(0xFF ^ KeyTags.MinKey) : KeyTags.MinKey];

    /// <summary>The encoding of MaxKey: the largest possible ascending key field (the smallest descending one).</summary>
    public static byte[] MaxKey(bool descending = false) => [descending ? (byte)(0xFF ^ KeyTags.MaxKey) : KeyTags.MaxKey];

    /// <summary>
    /// The exclusive upper bound of all keys that start with <paramref name="prefix"/> (whole encoded fields):
    /// <c>prefix + 0xFF</c>, since no encoded field starts with 0xFF.
    /// </summary>
    public static byte[] PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        var result = new byte[prefix.Length + 1];
        prefix.CopyTo(result);
        result[^1] = AfterAnyValue;
        return result;
    }

    private static void WriteCompound(KeyBuffer buffer, ReadOnlySpan<BsonValue> values, ReadOnlySpan<bool> descending)
    {
        if (values.Length != descending.Length)
        {
            throw new ArgumentException($"{values.Length} values but {descending.Length} directions.", nameof(descending));
        }

        for (int i = 0; i < values.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(values[i]);
            WriteField(buffer, values[i], descending[i]);
        }
    }

    private static void WriteField(KeyBuffer buffer, BsonValue value, bool descending)
    {
        int start = buffer.Length;
        WriteValue(buffer, value, depth: 0);
        if (descending)
        {
            buffer.Invert(start);
        }
    }

    private static void WriteValue(KeyBuffer buffer, BsonValue value, int depth)
    {
        if (depth > 200)
        {
            throw new ArgumentException("Value nesting is too deep to encode as a key.", nameof(value));
        }

        switch (value.Type)
        {
            case BsonType.MinKey:
                buffer.WriteByte(KeyTags.MinKey);
                break;
            case BsonType.MaxKey:
                buffer.WriteByte(KeyTags.MaxKey);
                break;
            case BsonType.Null:
            case BsonType.Undefined:
                buffer.WriteByte(KeyTags.Null);
                break;
            case BsonType.Int32:
            case BsonType.Int64:
            case BsonType.Double:
            case BsonType.Decimal128:
                NumericKey.Write(buffer, value);
                break;
            case BsonType.String:
            {
                buffer.WriteByte(KeyTags.String);
                var text = (BsonString)value;
                if (text.HasUtf8)
                {
                    WriteUtf8(buffer, text.Utf8);
                }
                else
                {
                    WriteString(buffer, text.Value);
                }

                break;
            }

            case BsonType.Symbol:
                buffer.WriteByte(KeyTags.String);
                WriteString(buffer, ((BsonSymbol)value).Name);
                break;
            case BsonType.Document:
                buffer.WriteByte(KeyTags.Document);
                WriteDocumentBody(buffer, (BsonDocument)value, depth);
                break;
            case BsonType.Array:
                buffer.WriteByte(KeyTags.Array);
                foreach (var item in (BsonArray)value)
                {
                    WriteValue(buffer, item, depth + 1);
                }

                buffer.WriteByte(KeyTags.End);
                break;
            case BsonType.Binary:
            {
                var binary = (BsonBinary)value;
                var data = binary.Data.Span;
                var span = buffer.GetSpan(6 + data.Length);
                span[0] = KeyTags.Binary;
                BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)data.Length);
                span[5] = (byte)binary.SubType;
                data.CopyTo(span[6..]);
                buffer.Advance(6 + data.Length);
                break;
            }

            case BsonType.ObjectId:
            {
                var span = buffer.GetSpan(13);
                span[0] = KeyTags.ObjectId;
                ((BsonObjectId)value).Value.WriteTo(span[1..]);
                buffer.Advance(13);
                break;
            }

            case BsonType.Boolean:
                buffer.WriteByte(((BsonBoolean)value).Value ? KeyTags.True : KeyTags.False);
                break;
            case BsonType.DateTime:
            {
                var span = buffer.GetSpan(9);
                span[0] = KeyTags.DateTime;
                BinaryPrimitives.WriteUInt64BigEndian(span[1..], (ulong)((BsonDateTime)value).MillisecondsSinceEpoch ^ (1UL << 63));
                buffer.Advance(9);
                break;
            }

            case BsonType.Timestamp:
            {
                var span = buffer.GetSpan(9);
                span[0] = KeyTags.Timestamp;
                BinaryPrimitives.WriteUInt64BigEndian(span[1..], ((BsonTimestamp)value).Value);
                buffer.Advance(9);
                break;
            }

            case BsonType.RegularExpression:
            {
                var regex = (BsonRegularExpression)value;
                buffer.WriteByte(KeyTags.RegularExpression);
                WriteString(buffer, regex.Pattern);
                WriteString(buffer, regex.Options);
                break;
            }

            case BsonType.DBPointer:
            {
                var pointer = (BsonDBPointer)value;
                buffer.WriteByte(KeyTags.DBPointer);
                WriteString(buffer, pointer.Namespace);
                pointer.Id.WriteTo(buffer.GetSpan(12));
                buffer.Advance(12);
                break;
            }

            case BsonType.JavaScript:
                buffer.WriteByte(KeyTags.JavaScript);
                WriteString(buffer, ((BsonJavaScript)value).Code);
                break;
            case BsonType.JavaScriptWithScope:
            {
                var code = (BsonJavaScriptWithScope)value;
                buffer.WriteByte(KeyTags.JavaScriptWithScope);
                WriteString(buffer, code.Code);
                WriteDocumentBody(buffer, code.Scope, depth);
                break;
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "Unknown BSON type.");
        }
    }

    private static void WriteDocumentBody(KeyBuffer buffer, BsonDocument document, int depth)
    {
        // BsonComparer orders elements by the value's bracket, then the name, then the value.
        foreach (var element in document)
        {
            buffer.WriteByte(KeyTags.BracketBase(element.Value.Type));
            WriteString(buffer, element.Name);
            WriteValue(buffer, element.Value, depth + 1);
        }

        buffer.WriteByte(KeyTags.End);
    }

    /// <summary>UTF-8 bytes (= code point order) with 0x00 escaped as 00 FF and the terminator 00 01, so a prefix sorts first.</summary>
    private static void WriteString(KeyBuffer buffer, string value)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length) + 2);
        int n = Encoding.UTF8.GetBytes(value, span);
        int zero = span[..n].IndexOf((byte)0);
        if (zero < 0)
        {
            span[n] = 0x00;
            span[n + 1] = 0x01;
            buffer.Advance(n + 2);
            return;
        }

        // Rare: embedded NULs. Escape from a copy because escaping grows the bytes in place.
        WriteEscaped(buffer, span[..n].ToArray());
    }

    /// <summary>A decoded string's UTF-8 bytes, encoded exactly as <see cref="WriteString"/> encodes the same text.</summary>
    private static void WriteUtf8(KeyBuffer buffer, ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOf((byte)0) >= 0)
        {
            WriteEscaped(buffer, utf8);
            return;
        }

        var span = buffer.GetSpan(utf8.Length + 2);
        utf8.CopyTo(span);
        span[utf8.Length] = 0x00;
        span[utf8.Length + 1] = 0x01;
        buffer.Advance(utf8.Length + 2);
    }

    /// <summary>Bytes with embedded NULs: each NUL becomes 00 FF so the 00 01 terminator still sorts first.</summary>
    private static void WriteEscaped(KeyBuffer buffer, ReadOnlySpan<byte> utf8)
    {
        foreach (byte b in utf8)
        {
            buffer.WriteByte(b);
            if (b == 0)
            {
                buffer.WriteByte(0xFF);
            }
        }

        buffer.WriteByte(0x00);
        buffer.WriteByte(0x01);
    }
}
