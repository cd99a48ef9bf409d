using System.Buffers.Binary;
using System.Text;
using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Query.Filters;

/// <summary>
/// Minimal lazy access to BSON bytes for the filter's fast path: walks the top-level elements, compares names as UTF-8
/// bytes, and decodes only the values the filter reads. Malformed input falls back to the strict decoder, which throws.
/// </summary>
internal static class BsonSpanReader
{
    /// <summary>Builds a document holding only the listed top-level fields (in document order).</summary>
    public static BsonDocument ReadFields(ReadOnlySpan<byte> bson, byte[][] names, string[] strings)
    {
        var result = new BsonDocument(names.Length);
        if (bson.Length < 5 || BinaryPrimitives.ReadInt32LittleEndian(bson) != bson.Length)
        {
            return BsonSerializer.Deserialize(bson); // throws the proper format error
        }

        int pos = 4, end = bson.Length - 1, found = 0;
        while (pos < end && found < names.Length)
        {
            var type = (BsonType)(sbyte)bson[pos++];
            int nameEnd = bson[pos..].IndexOf((byte)0);
            if (nameEnd < 0)
            {
                return BsonSerializer.Deserialize(bson);
            }

            var name = bson.Slice(pos, nameEnd);
            pos += nameEnd + 1;
            int length = ValueLength(type, bson, pos);
            if (length < 0 || pos + length > end)
            {
                return BsonSerializer.Deserialize(bson);
            }

            for (int i = 0; i < names.Length; i++)
            {
                if (name.SequenceEqual(names[i]))
                {
                    result.Add(strings[i], ReadValue(type, bson.Slice(pos, length)));
                    found++;
                    break;
                }
            }

            pos += length;
        }

        return result;
    }

    private static int ValueLength(BsonType type, ReadOnlySpan<byte> b, int pos)
    {
        switch (type)
        {
            case BsonType.Double or BsonType.DateTime or BsonType.Int64 or BsonType.Timestamp:
                return 8;
            case BsonType.Int32:
                return 4;
            case BsonType.Decimal128:
                return 16;
            case BsonType.ObjectId:
                return 12;
            case BsonType.Boolean:
                return 1;
            case BsonType.Null or BsonType.Undefined or BsonType.MinKey or BsonType.MaxKey:
                return 0;
            case BsonType.String or BsonType.JavaScript or BsonType.Symbol:
                return pos + 4 <= b.Length ? 4 + BinaryPrimitives.ReadInt32LittleEndian(b[pos..]) : -1;
            case BsonType.Document or BsonType.Array or BsonType.JavaScriptWithScope:
                return pos + 4 <= b.Length ? BinaryPrimitives.ReadInt32LittleEndian(b[pos..]) : -1;
            case BsonType.Binary:
                return pos + 4 <= b.Length ? 5 + BinaryPrimitives.ReadInt32LittleEndian(b[pos..]) : -1;
            case BsonType.DBPointer:
                return pos + 4 <= b.Length ? 4 + BinaryPrimitives.ReadInt32LittleEndian(b[pos..]) + 12 : -1;
            case BsonType.RegularExpression:
            {
                int a = b[pos..].IndexOf((byte)0);
                if (a < 0)
                {
                    return -1;
                }

                int c = b[(pos + a + 1)..].IndexOf((byte)0);
                return c < 0 ? -1 : a + 1 + c + 1;
            }

            default:
                return -1;
        }
    }

    private static BsonValue ReadValue(BsonType type, ReadOnlySpan<byte> v)
    {
        switch (type)
        {
            case BsonType.Double:
                return new BsonDouble(BinaryPrimitives.ReadDoubleLittleEndian(v));
            case BsonType.Int32:
                return BsonInt32.Create(BinaryPrimitives.ReadInt32LittleEndian(v));
            case BsonType.Int64:
                return new BsonInt64(BinaryPrimitives.ReadInt64LittleEndian(v));
            case BsonType.DateTime:
                return new BsonDateTime(BinaryPrimitives.ReadInt64LittleEndian(v));
            case BsonType.Boolean:
                return BsonBoolean.Create(v[0] != 0);
            case BsonType.Null:
                return BsonNull.Value;
            case BsonType.String:
                return new BsonString(Encoding.UTF8.GetString(v[4..^1]));
            case BsonType.ObjectId:
                return new BsonObjectId(new ObjectId(v));
            case BsonType.Document:
                return BsonSerializer.Deserialize(v);
            case BsonType.Array:
            {
                var doc = BsonSerializer.Deserialize(v);
                var array = new BsonArray(doc.ElementCount);
                foreach (var e in doc)
                {
                    array.Add(e.Value);
                }

                return array;
            }

            default:
            {
                // Rare types: wrap in a one-field document and let the strict decoder do it.
                var buffer = new byte[4 + 1 + 2 + v.Length + 1];
                BinaryPrimitives.WriteInt32LittleEndian(buffer, buffer.Length);
                buffer[4] = (byte)type;
                buffer[5] = (byte)'v';
                v.CopyTo(buffer.AsSpan(7));
                return BsonSerializer.Deserialize(buffer)[0];
            }
        }
    }
}
