using FsCheck;
using FsCheck.Fluent;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>FsCheck properties: binary round trip and the comparer being a total order.</summary>
public class PropertyTests
{
    private static readonly Gen<string> Names = Gen.Elements("a", "b", "c", "_id", "x.y", "é", "");

    private static Gen<string> Strings() => Gen.Elements("", "a", "ab", "b", "zz", "é", "\uFFFF", "\U0001F600", "a\0b");

    private static Gen<BsonValue> Scalar() => Gen.OneOf(
        Gen.Choose(-3, 3).Select(i => (BsonValue)i),
        Gen.Elements(long.MinValue, -1L, 0L, 2L, long.MaxValue, 9007199254740993L).Select(l => (BsonValue)l),
        Gen.Elements(double.NaN, double.NegativeInfinity, -1.5, -0.0, 0.0, 0.5, 1.0, 2.0, 9.2233720368547758E18, double.PositiveInfinity).Select(d => (BsonValue)d),
        Gen.Elements(
            new Decimal128(0x3040000000000000UL, 1UL),  // 1
            new Decimal128(0x303E000000000000UL, 5UL),  // 0.5
            new Decimal128(0xB040000000000000UL, 3UL),  // -3
            new Decimal128(0x7C00000000000000UL, 0UL),  // NaN
            new Decimal128(0x7800000000000000UL, 0UL),  // +Inf
            new Decimal128(0x3040000000000000UL, 0UL)).Select(d => (BsonValue)d),
        Strings().Select(s => (BsonValue)s),
        Strings().Select(s => (BsonValue)new BsonSymbol(s)),
        Gen.Elements<BsonValue>(BsonNull.Value, BsonUndefined.Value, BsonMinKey.Value, BsonMaxKey.Value, BsonBoolean.True, BsonBoolean.False),
        Gen.Choose(0, 3).SelectMany(n => Gen.Choose(0, 3).Select(s => (BsonValue)new BsonBinary(new byte[n], (BsonBinarySubType)s))),
        Gen.Choose(0, 2).Select(i => (BsonValue)ObjectId.Parse("56e1fc72e0c917e9c471416" + i)),
        Gen.Choose(-2, 2).Select(i => (BsonValue)new BsonDateTime(i)),
        Gen.Choose(0, 2).SelectMany(t => Gen.Choose(0, 2).Select(i => (BsonValue)new BsonTimestamp((uint)t, (uint)i))),
        Gen.Elements("a", "b").SelectMany(p => Gen.Elements("", "i").Select(o => (BsonValue)new BsonRegularExpression(p, o))),
        Gen.Elements("x", "y").Select(c => (BsonValue)new BsonJavaScript(c)),
        Gen.Elements("db.a", "db.b").Select(n => (BsonValue)new BsonDBPointer(n, ObjectId.Empty)),
        Gen.Elements("x", "y").Select(c => (BsonValue)new BsonJavaScriptWithScope(c, new BsonDocument("v", 1))));

    private static Gen<BsonValue> Value(int size) => size <= 0
        ? Scalar()
        : Gen.Frequency(
            (4, Scalar()),
            (1, Document(size / 2).Select(d => (BsonValue)d)),
            (1, Gen.ListOf(Value(size / 2), 3).Select(values => (BsonValue)new BsonArray(values))));

    private static Gen<BsonDocument> Document(int size) =>
        Gen.Choose(0, 4).SelectMany(n => Gen.ListOf(Names.Zip(Value(size)), n))
            .Select(pairs =>
            {
                var document = new BsonDocument();
                foreach (var (name, value) in pairs)
                {
                    document.Add(name, value);
                }

                return document;
            });

    private static Gen<BsonValue> AnyValue() => Gen.Sized(size => Value(Math.Min(size, 8)));

    private static Config Config => Config.QuickThrowOnFailure.WithMaxTest(500);

    [Fact]
    public void Serialize_then_deserialize_is_identity_on_bytes_and_values()
    {
        Check.One(Config, Prop.ForAll(Arb.From(Gen.Sized(size => Document(Math.Min(size, 8)))), document =>
        {
            byte[] bytes = BsonSerializer.Serialize(document);
            var decoded = BsonSerializer.Deserialize(bytes);
            return bytes.AsSpan().SequenceEqual(BsonSerializer.Serialize(decoded))
                && bytes.Length == BsonSerializer.GetSerializedSize(document)
                && decoded.Equals(document)
                && decoded.ElementCount == document.ElementCount;
        }));
    }

    [Fact]
    public void Comparer_is_antisymmetric_and_consistent_with_equality_and_hash()
    {
        Check.One(Config, Prop.ForAll(Arb.From(AnyValue()), Arb.From(AnyValue()), (a, b) =>
        {
            int ab = BsonComparer.Instance.Compare(a, b);
            int ba = BsonComparer.Instance.Compare(b, a);
            bool hashOk = ab != 0 || a.GetHashCode() == b.GetHashCode();
            return ab == -ba && (ab == 0) == a.Equals(b) && hashOk && a.CompareTo(a) == 0;
        }));
    }

    [Fact]
    public void Comparer_is_transitive()
    {
        Check.One(Config.WithMaxTest(2000), Prop.ForAll(Arb.From(AnyValue()), Arb.From(AnyValue()), Arb.From(AnyValue()), (a, b, c) =>
        {
            var sorted = new[] { a, b, c };
            Array.Sort(sorted, BsonComparer.Instance);
            var cmp = BsonComparer.Instance;
            return cmp.Compare(sorted[0], sorted[1]) <= 0
                && cmp.Compare(sorted[1], sorted[2]) <= 0
                && cmp.Compare(sorted[0], sorted[2]) <= 0
                && (cmp.Compare(sorted[0], sorted[1]) != 0 || cmp.Compare(sorted[1], sorted[2]) != 0 || cmp.Compare(sorted[0], sorted[2]) == 0);
        }));
    }
}
