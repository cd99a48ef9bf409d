using Outpost.Bson;
using Outpost.Bson.Json;

namespace Outpost.Query.Tests;

/// <summary>Test-table shorthand for the aggregation tests: mongosh-syntax literals read by <see cref="BsonJson"/>.</summary>
internal static class AggJson
{
    public static BsonDocument Doc(string text) => BsonJson.Parse(text);

    public static BsonArray Array(string text) => (BsonArray)BsonJson.ParseValue(text);

    public static BsonValue Value(string text) => BsonJson.ParseValue(text);
}

/// <summary>Exact BSON comparison for tests: types must match (1 ≠ 1.0), field order matters, NaN equals NaN.</summary>
internal static class BsonAssert
{
    public static bool ExactlyEqual(BsonValue a, BsonValue b)
    {
        if (a.Type != b.Type)
        {
            return false;
        }

        switch (a)
        {
            case BsonDocument da:
                var db = (BsonDocument)b;
                if (da.ElementCount != db.ElementCount)
                {
                    return false;
                }

                for (int i = 0; i < da.ElementCount; i++)
                {
                    if (da.GetElement(i).Name != db.GetElement(i).Name || !ExactlyEqual(da[i], db[i]))
                    {
                        return false;
                    }
                }

                return true;
            case BsonArray aa:
                var ab = (BsonArray)b;
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (int i = 0; i < aa.Count; i++)
                {
                    if (!ExactlyEqual(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            case BsonDouble d when double.IsNaN(d.Value):
                return double.IsNaN(((BsonDouble)b).Value);
            case BsonDecimal128 m:
                return m.Value.ToString() == ((BsonDecimal128)b).Value.ToString();
            default:
                return a.Equals(b);
        }
    }

    public static void Equal(BsonValue expected, BsonValue actual)
    {
        if (!ExactlyEqual(expected, actual))
        {
            Assert.Fail($"Expected {Describe(expected)}\n  actual {Describe(actual)}");
        }
    }

    public static string Describe(BsonValue v) => v switch
    {
        BsonDocument d => "{ " + string.Join(", ", d.Select(e => $"{e.Name}: {Describe(e.Value)}")) + " }",
        BsonArray a => "[" + string.Join(", ", a.Select(Describe)) + "]",
        _ => $"{v}<{v.Type}>",
    };
}
