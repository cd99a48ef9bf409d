using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>
/// MongoDB's total order over BSON values (bson-type-comparison-order): MinKey &lt; null/undefined &lt; numbers &lt;
/// string/symbol &lt; document &lt; array &lt; binary &lt; ObjectId &lt; boolean &lt; date &lt; timestamp &lt; regex &lt;
/// DBPointer &lt; JavaScript &lt; JavaScript-with-scope &lt; MaxKey. Numbers compare by exact value across
/// int32/int64/double/decimal128 (NaN below all other numbers, NaN equals NaN, -0 equals 0); strings by UTF-8 bytes
/// (simple collation); documents and arrays element by element. Equality and hashing are consistent with the order.
/// </summary>
public sealed partial class BsonComparer : IComparer<BsonValue>, IEqualityComparer<BsonValue>
{
    private BsonComparer() { }

    /// <summary>The shared (stateless) instance.</summary>
    public static BsonComparer Instance { get; } = new();

    /// <summary>The rank of a type's bracket in the sort order; values of different brackets compare by rank.</summary>
    public static int GetBracket(BsonType type) => type switch
    {
        BsonType.MinKey => 0,
        BsonType.Null or BsonType.Undefined => 1,
        BsonType.Int32 or BsonType.Int64 or BsonType.Double or BsonType.Decimal128 => 2,
        BsonType.String or BsonType.Symbol => 3,
        BsonType.Document => 4,
        BsonType.Array => 5,
        BsonType.Binary => 6,
        BsonType.ObjectId => 7,
        BsonType.Boolean => 8,
        BsonType.DateTime => 9,
        BsonType.Timestamp => 10,
        BsonType.RegularExpression => 11,
        BsonType.DBPointer => 12,
        BsonType.JavaScript => 13,
        BsonType.JavaScriptWithScope => 14,
        BsonType.MaxKey => 15,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown BSON type."),
    };

    /// <summary>Three-way comparison; a C# null reference sorts before every value.</summary>
    public int Compare(BsonValue? x, BsonValue? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        int bx = GetBracket(x.Type);
        int by = GetBracket(y.Type);
        if (bx != by)
        {
            return bx < by ? -1 : 1;
        }

        return Sign(CompareSameBracket(x, y));
    }

    public bool Equals(BsonValue? x, BsonValue? y) => Compare(x, y) == 0;

    public int GetHashCode(BsonValue obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj switch
        {
            BsonInt32 v => DecimalMath.GetNumericHashCode(v.Value),
            BsonInt64 v => DecimalMath.GetNumericHashCode(v.Value),
            BsonDouble v => DecimalMath.GetNumericHashCode(v.Value),
            BsonDecimal128 v => DecimalMath.GetNumericHashCode(v.Value),
            BsonString v => HashString(v),
            BsonSymbol v => StringComparer.Ordinal.GetHashCode(v.Name),
            BsonDocument v => HashDocument(v),
            BsonArray v => HashArray(v),
            BsonBinary v => HashBinary(v),
            BsonObjectId v => v.Value.GetHashCode(),
            BsonBoolean v => v.Value ? 1 : 0,
            BsonDateTime v => v.MillisecondsSinceEpoch.GetHashCode(),
            BsonTimestamp v => v.Value.GetHashCode(),
            BsonRegularExpression v => HashCode.Combine(StringComparer.Ordinal.GetHashCode(v.Pattern), StringComparer.Ordinal.GetHashCode(v.Options)),
            BsonDBPointer v => HashCode.Combine(StringComparer.Ordinal.GetHashCode(v.Namespace), v.Id),
            BsonJavaScript v => StringComparer.Ordinal.GetHashCode(v.Code),
            BsonJavaScriptWithScope v => HashCode.Combine(StringComparer.Ordinal.GetHashCode(v.Code), HashDocument(v.Scope)),
            _ => GetBracket(obj.Type), // null/undefined, MinKey, MaxKey: one value per bracket
        };
    }

    /// <summary>Compares two strings by the byte order of their UTF-8 encodings (= Unicode code point order).</summary>
    public static int CompareStrings(string x, string y)
    {
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i];
            char b = y[i];
            if (a != b)
            {
                // UTF-16 order differs from code point order only for surrogates vs U+E000..U+FFFF: shift so surrogates sort last.
                return FixUp(a) - FixUp(b);
            }
        }

        return x.Length - y.Length;
    }

    /// <summary>
    /// Compares two BSON strings in code point order, on their UTF-8 bytes when they hold them (decoded values), so
    /// comparing decoded strings never creates .NET strings.
    /// </summary>
    internal static int CompareStrings(BsonString x, BsonString y)
    {
        if (x.HasUtf8)
        {
            // Valid UTF-8 byte order is code point order, which is what CompareStrings(string, string) computes.
            return y.HasUtf8 ? x.Utf8.SequenceCompareTo(y.Utf8) : CompareUtf8(x, y.Value);
        }

        return y.HasUtf8 ? -CompareUtf8(y, x.Value) : CompareStrings(x.Value, y.Value);
    }

    /// <summary>
    /// A hash equal to the ordinal hash of <see cref="BsonString.Value"/> (so decoded and constructed equal strings hash
    /// alike), computed from a decoded string's bytes through a stack buffer instead of materializing it.
    /// </summary>
    internal static int HashString(BsonString value)
    {
        if (value.HasUtf8 && value.Utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            int count = System.Text.Encoding.UTF8.GetChars(value.Utf8, chars);
            return string.GetHashCode(chars[..count]);
        }

        return StringComparer.Ordinal.GetHashCode(value.Value);
    }

    /// <summary>A decoded string's bytes against a .NET string; ASCII is compared in place, anything else as strings.</summary>
    private static int CompareUtf8(BsonString x, string y)
    {
        var bytes = x.Utf8;
        int n = Math.Min(bytes.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            int a = bytes[i];
            int b = y[i];
            if ((a | b) >= 0x80)
            {
                // Non-ASCII: byte and char positions no longer line up; the exact (surrogate-aware) string order decides.
                return CompareStrings(x.Value, y);
            }

            if (a != b)
            {
                return a - b;
            }
        }

        // An equal all-ASCII prefix: the one with more bytes left has more code points left, whatever they are.
        return bytes.Length == y.Length ? 0 : (n == y.Length ? 1 : -1);
    }

    private static int FixUp(char c) => c >= 0xD800 ? (c >= 0xE000 ? c - 0x800 : c + 0x2000) : c;

    private static int Sign(int value) => value < 0 ? -1 : value > 0 ? 1 : 0;

    private int CompareSameBracket(BsonValue x, BsonValue y)
    {
        switch (x.Type)
        {
            case BsonType.MinKey:
            case BsonType.MaxKey:
            case BsonType.Null:
            case BsonType.Undefined:
                return 0;
            case BsonType.Int32:
            case BsonType.Int64:
            case BsonType.Double:
            case BsonType.Decimal128:
                return NumericComparer.Compare(x, y);
            case BsonType.String when x is BsonString sx && y is BsonString sy:
                return CompareStrings(sx, sy);
            case BsonType.String:
            case BsonType.Symbol:
                return CompareStrings(StringOf(x), StringOf(y));
            case BsonType.Document:
                return CompareDocuments((BsonDocument)x, (BsonDocument)y);
            case BsonType.Array:
                return CompareArrays((BsonArray)x, (BsonArray)y);
            case BsonType.Binary:
                return CompareBinary((BsonBinary)x, (BsonBinary)y);
            case BsonType.ObjectId:
                return ((BsonObjectId)x).Value.CompareTo(((BsonObjectId)y).Value);
            case BsonType.Boolean:
                return ((BsonBoolean)x).Value.CompareTo(((BsonBoolean)y).Value);
            case BsonType.DateTime:
                return ((BsonDateTime)x).MillisecondsSinceEpoch.CompareTo(((BsonDateTime)y).MillisecondsSinceEpoch);
            case BsonType.Timestamp:
                return ((BsonTimestamp)x).Value.CompareTo(((BsonTimestamp)y).Value);
            case BsonType.RegularExpression:
            {
                var rx = (BsonRegularExpression)x;
                var ry = (BsonRegularExpression)y;
                int c = CompareStrings(rx.Pattern, ry.Pattern);
                return c != 0 ? c : CompareStrings(rx.Options, ry.Options);
            }

            case BsonType.DBPointer:
            {
                var px = (BsonDBPointer)x;
                var py = (BsonDBPointer)y;
                int c = CompareStrings(px.Namespace, py.Namespace);
                return c != 0 ? c : px.Id.CompareTo(py.Id);
            }

            case BsonType.JavaScript:
                return CompareStrings(((BsonJavaScript)x).Code, ((BsonJavaScript)y).Code);
            case BsonType.JavaScriptWithScope:
            {
                var cx = (BsonJavaScriptWithScope)x;
                var cy = (BsonJavaScriptWithScope)y;
                int c = CompareStrings(cx.Code, cy.Code);
                return c != 0 ? c : CompareDocuments(cx.Scope, cy.Scope);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(x), x.Type, "Unknown BSON type.");
        }
    }

    private static string StringOf(BsonValue value) => value is BsonString s ? s.Value : ((BsonSymbol)value).Name;

    private int CompareDocuments(BsonDocument x, BsonDocument y)
    {
        int n = Math.Min(x.ElementCount, y.ElementCount);
        for (int i = 0; i < n; i++)
        {
            var ex = x.GetElement(i);
            var ey = y.GetElement(i);
            // MongoDB compares each element's type bracket first, then its name, then its value.
            int c = GetBracket(ex.Value.Type).CompareTo(GetBracket(ey.Value.Type));
            if (c != 0)
            {
                return c;
            }

            c = CompareStrings(ex.Name, ey.Name);
            if (c != 0)
            {
                return c;
            }

            c = Compare(ex.Value, ey.Value);
            if (c != 0)
            {
                return c;
            }
        }

        return x.ElementCount.CompareTo(y.ElementCount);
    }

    private int CompareArrays(BsonArray x, BsonArray y)
    {
        int n = Math.Min(x.Count, y.Count);
        for (int i = 0; i < n; i++)
        {
            int c = Compare(x[i], y[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return x.Count.CompareTo(y.Count);
    }

    private static int CompareBinary(BsonBinary x, BsonBinary y)
    {
        int c = x.Data.Length.CompareTo(y.Data.Length);
        if (c != 0)
        {
            return c;
        }

        c = ((byte)x.SubType).CompareTo((byte)y.SubType);
        return c != 0 ? c : x.Data.Span.SequenceCompareTo(y.Data.Span);
    }

    private int HashDocument(BsonDocument document)
    {
        var hash = new HashCode();
        foreach (var element in document)
        {
            hash.Add(StringComparer.Ordinal.GetHashCode(element.Name));
            hash.Add(GetHashCode(element.Value));
        }

        return hash.ToHashCode();
    }

    private int HashArray(BsonArray array)
    {
        var hash = new HashCode();
        foreach (var value in array)
        {
            hash.Add(GetHashCode(value));
        }

        return hash.ToHashCode();
    }

    private static int HashBinary(BsonBinary binary)
    {
        var hash = new HashCode();
        hash.Add((byte)binary.SubType);
        hash.AddBytes(binary.Data.Span);
        return hash.ToHashCode();
    }
}
