using System.Buffers.Binary;
using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

public sealed partial class BsonComparer
{
    /// <summary>
    /// Compares a value read in place with a materialized one, in MongoDB's order, without decoding the view:
    /// any two values of different brackets, and within a bracket int32/int64/double, strings and symbols (by UTF-8
    /// bytes), ObjectId, boolean, datetime, timestamp, null/undefined, MinKey and MaxKey. Returns false (and
    /// <paramref name="result"/> 0) when the pair needs a full comparison (decimal128, documents, arrays, binary, …);
    /// when it returns true, <paramref name="result"/> has the sign <see cref="Compare"/> would give.
    /// </summary>
    /// <exception cref="Serialization.BsonFormatException">When the view's bytes are malformed.</exception>
    public static bool TryCompare(BsonValueView x, BsonValue y, out int result)
    {
        ArgumentNullException.ThrowIfNull(y);
        int bx = GetBracket(x.Type);
        int by = GetBracket(y.Type);
        if (bx != by)
        {
            result = bx < by ? -1 : 1;
            return true;
        }

        result = 0;
        var raw = x.Raw;
        switch (x.Type)
        {
            case BsonType.MinKey or BsonType.MaxKey or BsonType.Null or BsonType.Undefined:
                return true;
            case BsonType.Int32 or BsonType.Int64:
            {
                long lx = x.Type == BsonType.Int32 ? BinaryPrimitives.ReadInt32LittleEndian(raw) : BinaryPrimitives.ReadInt64LittleEndian(raw);
                switch (y)
                {
                    case BsonInt32 iy:
                        result = lx.CompareTo(iy.Value);
                        break;
                    case BsonInt64 ly:
                        result = lx.CompareTo(ly.Value);
                        break;
                    case BsonDouble dy:
                        result = NumericComparer.CompareLongDouble(lx, dy.Value);
                        break;
                    default:
                        return false;
                }

                result = Sign(result);
                return true;
            }

            case BsonType.Double:
            {
                double dx = BinaryPrimitives.ReadDoubleLittleEndian(raw);
                switch (y)
                {
                    case BsonDouble dy:
                        result = NumericComparer.CompareDoubles(dx, dy.Value);
                        break;
                    case BsonInt32 iy:
                        result = -NumericComparer.CompareLongDouble(iy.Value, dx);
                        break;
                    case BsonInt64 ly:
                        result = -NumericComparer.CompareLongDouble(ly.Value, dx);
                        break;
                    default:
                        return false;
                }

                result = Sign(result);
                return true;
            }

            case BsonType.String or BsonType.Symbol:
                if (y is BsonString { HasUtf8: true } decoded)
                {
                    result = Sign(x.AsStringUtf8.SequenceCompareTo(decoded.Utf8));
                    return true;
                }

                return TryCompareUtf8(x.AsStringUtf8, y is BsonString s ? s.Value : ((BsonSymbol)y).Name, out result);
            case BsonType.ObjectId:
                result = Sign(x.AsObjectId.CompareTo(((BsonObjectId)y).Value));
                return true;
            case BsonType.Boolean:
                result = x.AsBoolean.CompareTo(((BsonBoolean)y).Value);
                return true;
            case BsonType.DateTime:
                result = Sign(x.AsDateTimeMilliseconds.CompareTo(((BsonDateTime)y).MillisecondsSinceEpoch));
                return true;
            case BsonType.Timestamp:
                result = Sign(BinaryPrimitives.ReadUInt64LittleEndian(raw).CompareTo(((BsonTimestamp)y).Value));
                return true;
            default:
                return false;
        }
    }

    /// <summary>UTF-8 bytes against a string in code point order (= UTF-8 byte order), without transcoding ASCII.</summary>
    private static bool TryCompareUtf8(ReadOnlySpan<byte> x, string y, out int result)
    {
        if (!Ascii.IsValid(y))
        {
            // Rare: transcode the (short) query string once on the stack; longer ones take the full path.
            Span<byte> buffer = stackalloc byte[256];
            if (!Encoding.UTF8.TryGetBytes(y, buffer, out int written))
            {
                result = 0;
                return false;
            }

            result = Sign(x.SequenceCompareTo(buffer[..written]));
            return true;
        }

        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            int a = x[i];
            int b = y[i];
            if (a != b)
            {
                // A non-ASCII lead byte starts a code point above every ASCII character, so plain byte order holds.
                result = a < b ? -1 : 1;
                return true;
            }
        }

        result = x.Length.CompareTo(y.Length);
        return true;
    }
}
