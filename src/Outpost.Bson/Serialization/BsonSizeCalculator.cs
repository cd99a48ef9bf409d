using System.Text;

namespace Outpost.Bson.Serialization;

/// <summary>Computes encoded sizes without writing, mirroring <see cref="BsonBinaryWriter"/> field by field.</summary>
internal static class BsonSizeCalculator
{
    internal static int DocumentSize(BsonDocument document)
    {
        int size = 5; // length prefix + terminator
        foreach (var element in document)
        {
            size = checked(size + 1 + Encoding.UTF8.GetByteCount(element.Name) + 1 + ValueSize(element.Value));
        }

        return size;
    }

    private static int ArraySize(BsonArray array)
    {
        int size = 5;
        for (int i = 0; i < array.Count; i++)
        {
            size = checked(size + 1 + DigitCount(i) + 1 + ValueSize(array[i]));
        }

        return size;
    }

    private static int ValueSize(BsonValue value) => value switch
    {
        BsonDouble or BsonDateTime or BsonTimestamp or BsonInt64 => 8,
        BsonInt32 => 4,
        BsonBoolean => 1,
        BsonObjectId => 12,
        BsonDecimal128 => 16,
        BsonNull or BsonUndefined or BsonMinKey or BsonMaxKey => 0,
        BsonString v => v.HasUtf8 ? 4 + v.Utf8.Length + 1 : StringSize(v.Value),
        BsonSymbol v => StringSize(v.Name),
        BsonJavaScript v => StringSize(v.Code),
        BsonDocument v => v.TryGetRaw(out var raw) ? raw.Length : DocumentSize(v),
        BsonArray v => v.TryGetRaw(out var raw) ? raw.Length : ArraySize(v),
        BsonBinary v => 5 + v.Data.Length + (v.SubType == BsonBinarySubType.OldBinary ? 4 : 0),
        BsonRegularExpression v => Encoding.UTF8.GetByteCount(v.Pattern) + 1 + Encoding.UTF8.GetByteCount(v.Options) + 1,
        BsonDBPointer v => StringSize(v.Namespace) + 12,
        BsonJavaScriptWithScope v => 4 + StringSize(v.Code) + DocumentSize(v.Scope),
        _ => throw new BsonFormatException($"Cannot serialize BSON value of type {value.Type}."),
    };

    private static int StringSize(string value) => 4 + Encoding.UTF8.GetByteCount(value) + 1;

    private static int DigitCount(int value) => value < 10 ? 1 : value < 100 ? 2 : value < 1000 ? 3 : value < 10000 ? 4 : value < 100000 ? 5 : (int)Math.Floor(Math.Log10(value)) + 1;
}
