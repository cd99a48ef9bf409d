using System.Buffers.Binary;
using System.Text;
using Outpost.Bson.Serialization;

namespace Outpost.Bson;

/// <summary>
/// A BSON value read in place: its type and the exact bytes of its payload. Accessors decode on demand and never
/// allocate (except <see cref="ToBsonValue"/> and <see cref="AsString"/>); malformed bytes throw <see cref="BsonFormatException"/>.
/// </summary>
public readonly ref struct BsonValueView
{
    internal BsonValueView(BsonType type, ReadOnlySpan<byte> raw)
    {
        Type = type;
        Raw = raw;
    }

    /// <summary>The value's BSON type.</summary>
    public BsonType Type { get; }

    /// <summary>The value's payload bytes as stored (e.g. for a string: length prefix, UTF-8, NUL).</summary>
    public ReadOnlySpan<byte> Raw { get; }

    public int AsInt32 => Type == BsonType.Int32 ? BinaryPrimitives.ReadInt32LittleEndian(Raw) : throw WrongType(BsonType.Int32);
    public long AsInt64 => Type == BsonType.Int64 ? BinaryPrimitives.ReadInt64LittleEndian(Raw) : throw WrongType(BsonType.Int64);
    public double AsDouble => Type == BsonType.Double ? BinaryPrimitives.ReadDoubleLittleEndian(Raw) : throw WrongType(BsonType.Double);

    /// <summary>Milliseconds since the Unix epoch of a UTC datetime.</summary>
    public long AsDateTimeMilliseconds => Type == BsonType.DateTime ? BinaryPrimitives.ReadInt64LittleEndian(Raw) : throw WrongType(BsonType.DateTime);

    public ObjectId AsObjectId => Type == BsonType.ObjectId ? new ObjectId(Raw) : throw WrongType(BsonType.ObjectId);

    public bool AsBoolean
    {
        get
        {
            if (Type != BsonType.Boolean)
            {
                throw WrongType(BsonType.Boolean);
            }

            return Raw[0] switch
            {
                0 => false,
                1 => true,
                _ => throw new BsonFormatException($"Invalid boolean byte 0x{Raw[0]:x2}"),
            };
        }
    }

    /// <summary>The UTF-8 bytes (without length prefix or terminator) of a string, symbol or JavaScript value.</summary>
    public ReadOnlySpan<byte> AsStringUtf8 => Type is BsonType.String or BsonType.Symbol or BsonType.JavaScript
        ? Raw[4..^1]
        : throw WrongType(BsonType.String);

    /// <summary>The string value (allocates); validates UTF-8.</summary>
    public string AsString
    {
        get
        {
            var utf8 = AsStringUtf8;
            if (!System.Text.Unicode.Utf8.IsValid(utf8))
            {
                throw new BsonFormatException("String is not valid UTF-8");
            }

            return Encoding.UTF8.GetString(utf8);
        }
    }

    /// <summary>An embedded document, read lazily.</summary>
    public BsonDocumentView AsDocument => Type == BsonType.Document ? new BsonDocumentView(Raw) : throw WrongType(BsonType.Document);

    /// <summary>An array, read lazily as a document whose keys are the indexes.</summary>
    public BsonDocumentView AsArray => Type == BsonType.Array ? new BsonDocumentView(Raw) : throw WrongType(BsonType.Array);

    /// <summary>Decodes the value fully and strictly (allocates).</summary>
    /// <exception cref="BsonFormatException">When the bytes are malformed.</exception>
    public BsonValue ToBsonValue(BsonReaderOptions? options = null) =>
        BsonBinaryReader.ReadSingleValue(Type, Raw, options ?? BsonReaderOptions.Default);

    private InvalidCastException WrongType(BsonType expected) => new($"BSON value is {Type}, not {expected}.");
}
