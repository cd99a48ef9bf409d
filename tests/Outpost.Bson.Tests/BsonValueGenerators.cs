using System.Globalization;
using FsCheck;
using FsCheck.Fluent;

namespace Outpost.Bson.Tests;

/// <summary>FsCheck generators for BSON values of every type, biased toward edge cases and collisions.</summary>
internal static class BsonValueGenerators
{
    private static readonly double[] EdgeDoubles =
    [
        0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1.0, -1.0, 0.1, -0.1, 0.5, 1.5,
        9007199254740992.0, 9007199254740993.0, 9007199254740991.0, -9007199254740992.0,
        9.2233720368547758E18, -9.2233720368547758E18, 1.8446744073709552E19, double.MaxValue, double.MinValue,
        double.Epsilon, -double.Epsilon, 2.2250738585072014E-308, 1e-300, 1e300, 123.456, 1e22, 1e23, 3.0, 2.5,
    ];

    private static readonly long[] EdgeLongs =
    [
        0, 1, -1, 2, 3, int.MaxValue, int.MinValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue, long.MaxValue - 1,
        9007199254740992, 9007199254740993, 9007199254740991, -9007199254740993, 10, 100, 1000, 1_000_000_000_000,
    ];

    private static readonly string[] EdgeDecimals =
    [
        "0", "-0", "0E-6176", "1", "1.0", "1.00000000000000000000000000000000", "-1", "0.1", "0.5", "2.5", "NaN", "-NaN",
        "Infinity", "-Infinity", "9007199254740993", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "1.000000000000000000000000000000001", "9999999999999999999999999999999999E6111", "-9999999999999999999999999999999999E6111",
        "1E-6176", "-1E-6176", "1E6144", "0.1000000000000000055511151231257827", "0.3333333333333333333333333333333333",
        "123.456", "1E308", "1.8E308", "5E-324", "4.9E-324", "100", "1E2", "10E1",
    ];

    private static readonly string[] Strings = ["", "a", "b", "ab", "a\0", "a\0b", "\0", "é", "z", "\uFFFF", "\uE000", "😀", "a😀", "ä", "A", "aa"];

    private static readonly ObjectId[] Ids =
    [
        ObjectId.Parse("000000000000000000000000"), ObjectId.Parse("56e1fc72e0c917e9c4714161"),
        ObjectId.Parse("56e1fc72e0c917e9c4714162"), ObjectId.Parse("ffffffffffffffffffffffff"),
    ];

    /// <summary>Any numeric value: int32, int64, double or decimal128, with many edge values.</summary>
    public static Gen<BsonValue> Number { get; } = Gen.OneOf(
        Gen.Elements(EdgeDoubles).Select(d => (BsonValue)d),
        Gen.Elements(EdgeLongs).Select(l => (BsonValue)l),
        Gen.Elements(EdgeLongs).Where(l => l is >= int.MinValue and <= int.MaxValue).Select(l => (BsonValue)(int)l),
        Gen.Elements(EdgeDecimals).Select(s => (BsonValue)Decimal128.Parse(s)),
        Gen.Choose(-1000, 1000).Select(i => (BsonValue)i),
        Gen.Choose(-1000, 1000).Select(i => (BsonValue)(i / 8.0)),
        Gen.Choose(-1000, 1000).Select(i => (BsonValue)(long)i),
        Gen.Choose(-1000, 1000).Zip(Gen.Choose(-5, 5)).Select(t => (BsonValue)Decimal128.Parse(string.Create(CultureInfo.InvariantCulture, $"{t.Item1}E{t.Item2}"))),
        RandomLong.Select(l => (BsonValue)BitConverter.Int64BitsToDouble(l)),
        RandomLong.Select(l => (BsonValue)l),
        RandomLong.Zip(Gen.Choose(-40, 20)).Select(t => (BsonValue)Decimal128.Parse(string.Create(CultureInfo.InvariantCulture, $"{t.Item1}E{t.Item2}"))));

    /// <summary>Any scalar (non-container) value.</summary>
    public static Gen<BsonValue> Scalar { get; } = Gen.Frequency(
        (6, Number),
        (3, Gen.Elements(Strings).Select(s => (BsonValue)s)),
        (1, Gen.Elements(Strings).Select(s => (BsonValue)new BsonSymbol(s))),
        (1, Gen.Elements<BsonValue>(BsonNull.Value, BsonUndefined.Value, BsonMinKey.Value, BsonMaxKey.Value, true, false)),
        (1, Gen.Elements(Strings).Zip(Gen.Elements((byte)0, (byte)4, (byte)0x80)).Select(t =>
            (BsonValue)new BsonBinary(System.Text.Encoding.UTF8.GetBytes(t.Item1), (BsonBinarySubType)t.Item2))),
        (1, Gen.Elements(Ids).Select(id => (BsonValue)id)),
        (1, Gen.Elements(0L, 1L, -1L, long.MinValue, long.MaxValue, 1356351330501L).Select(ms => (BsonValue)new BsonDateTime(ms))),
        (1, Gen.Elements(0UL, 1UL, 1UL << 32, ulong.MaxValue, 123456789UL << 32).Select(ts => (BsonValue)new BsonTimestamp(ts))),
        (1, Gen.Elements(Strings).Zip(Gen.Elements("", "i", "im")).Select(t => (BsonValue)new BsonRegularExpression(t.Item1.Replace("\0", "", StringComparison.Ordinal), t.Item2))),
        (1, Gen.Elements("a.b", "a.c").Zip(Gen.Elements(Ids)).Select(t => (BsonValue)new BsonDBPointer(t.Item1, t.Item2))),
        (1, Gen.Elements(Strings).Select(s => (BsonValue)new BsonJavaScript(s))),
        (1, Gen.Elements(Strings).Zip(Gen.Elements(0, 1)).Select(t =>
            (BsonValue)new BsonJavaScriptWithScope(t.Item1, t.Item2 == 0 ? [] : new BsonDocument("x", 1)))));

    /// <summary>Any value, with nested documents and arrays up to a few levels.</summary>
    public static Gen<BsonValue> Value { get; } = Gen.Sized(size => ValueOfDepth(Math.Min(3, size / 10)));

    private static Gen<long> RandomLong => Gen.Choose(int.MinValue, int.MaxValue).Zip(Gen.Choose(int.MinValue, int.MaxValue))
        .Select(t => ((long)t.Item1 << 32) | (uint)t.Item2);

    private static Gen<BsonValue> ValueOfDepth(int depth)
    {
        if (depth <= 0)
        {
            return Scalar;
        }

        var inner = ValueOfDepth(depth - 1);
        var array = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(inner, n)).Select(items => (BsonValue)new BsonArray(items));
        var document = Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(Gen.Elements("a", "b", "_id", "é").Zip(inner), n))
            .Select(pairs =>
            {
                var doc = new BsonDocument();
                foreach (var (name, value) in pairs)
                {
                    doc.Add(name, value);
                }

                return (BsonValue)doc;
            });
        return Gen.Frequency((4, Scalar), (1, array), (1, document));
    }
}
