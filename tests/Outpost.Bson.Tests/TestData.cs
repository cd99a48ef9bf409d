using Outpost.Bson;

namespace Outpost.Bson.Tests;

internal static class TestData
{
    /// <summary>A document holding one value of every BSON type (Decimal128 only as opaque bits).</summary>
    public static BsonDocument AllTypes() => new()
    {
        { "double", 1.5 },
        { "string", "héllo\0world" },
        { "doc", new BsonDocument { { "x", 1 }, { "y", new BsonArray { 1, "two", 3.0 } } } },
        { "array", new BsonArray { 1, 2L, BsonNull.Value, new BsonDocument("a", true) } },
        { "binary", new BsonBinary(new byte[] { 1, 2, 3 }) },
        { "oldBinary", new BsonBinary(new byte[] { 0xFF, 0xFF }, BsonBinarySubType.OldBinary) },
        { "userBinary", new BsonBinary(new byte[] { 9 }, (BsonBinarySubType)0x85) },
        { "uuid", Guid.Parse("73ffd264-44b3-4c69-90e8-e7d1dfc035d4") },
        { "undefined", BsonUndefined.Value },
        { "oid", ObjectId.Parse("56e1fc72e0c917e9c4714161") },
        { "true", true },
        { "false", false },
        { "date", new BsonDateTime(1356351330501L) },
        { "null", BsonNull.Value },
        { "regex", new BsonRegularExpression("ab+c", "im") },
        { "dbpointer", new BsonDBPointer("db.coll", ObjectId.Parse("56e1fc72e0c917e9c4714161")) },
        { "code", new BsonJavaScript("function() {}") },
        { "symbol", new BsonSymbol("sym") },
        { "codeWithScope", new BsonJavaScriptWithScope("x", new BsonDocument("x", 1)) },
        { "int32", -123 },
        { "timestamp", new BsonTimestamp(123456789u, 42u) },
        { "int64", long.MinValue },
        { "decimal", new Decimal128(0x3040000000000000UL, 1UL) },
        { "minKey", BsonMinKey.Value },
        { "maxKey", BsonMaxKey.Value },
    };

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);
}
