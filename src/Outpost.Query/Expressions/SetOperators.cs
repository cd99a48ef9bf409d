using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>Set operators over arrays treated as sets (duplicates ignored, order unspecified; we keep first-seen order).</summary>
internal static class SetOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$setEquals", 2, int.MaxValue, (_, a, _) =>
        {
            var first = ToSet("$setEquals", a[0], 17044);
            for (int i = 1; i < a.Length; i++)
            {
                if (!first.SetEquals(ToSet("$setEquals", a[i], 17044)))
                {
                    return BsonBoolean.False;
                }
            }

            return BsonBoolean.True;
        });
        Eager(ops, "$setIsSubset", 2, 2, (_, a, _) =>
        {
            if (a[0] is not BsonArray)
            {
                throw new MongoException(17046, $"both operands of $setIsSubset must be arrays. First argument is of type: {Values.TypeName(a[0])}");
            }

            if (a[1] is not BsonArray)
            {
                throw new MongoException(17042, $"both operands of $setIsSubset must be arrays. Second argument is of type: {Values.TypeName(a[1])}");
            }

            return ToSet("$setIsSubset", a[0], 17046).IsSubsetOf(ToSet("$setIsSubset", a[1], 17042));
        });
        Eager(ops, "$setIntersection", 0, int.MaxValue, (_, a, _) =>
        {
            if (a.Any(Values.IsNullish))
            {
                return BsonNull.Value;
            }

            if (a.Length == 0)
            {
                return new BsonArray();
            }

            var result = ToSet("$setIntersection", a[0], 17047);
            for (int i = 1; i < a.Length; i++)
            {
                result.IntersectWith(ToSet("$setIntersection", a[i], 17047));
            }

            return new BsonArray(Ordered(a, result));
        });
        Eager(ops, "$setUnion", 0, int.MaxValue, (_, a, _) =>
        {
            if (a.Any(Values.IsNullish))
            {
                return BsonNull.Value;
            }

            var result = new HashSet<BsonValue>(BsonComparer.Instance);
            foreach (var v in a)
            {
                result.UnionWith(ToSet("$setUnion", v, 17043));
            }

            return new BsonArray(Ordered(a, result));
        });
        Eager(ops, "$setDifference", 2, 2, (_, a, _) =>
        {
            if (Values.IsNullish(a[0]) || Values.IsNullish(a[1]))
            {
                return BsonNull.Value;
            }

            var result = ToSet("$setDifference", a[0], 17048);
            result.ExceptWith(ToSet("$setDifference", a[1], 17049));
            return new BsonArray(Ordered(a, result));
        });
        Eager(ops, "$anyElementTrue", 1, 1, (_, a, _) => a[0] is BsonArray arr ? arr.Any(Values.IsTrue)
            : throw new MongoException(17041, $"$anyElementTrue's argument must be an array, but is {Values.TypeName(a[0])}"));
        Eager(ops, "$allElementsTrue", 1, 1, (_, a, _) => a[0] is BsonArray arr ? arr.All(Values.IsTrue)
            : throw new MongoException(17040, $"$allElementsTrue's argument must be an array, but is {Values.TypeName(a[0])}"));
    }

    private static HashSet<BsonValue> ToSet(string name, BsonValue v, int code) => v is BsonArray arr
        ? new HashSet<BsonValue>(arr, BsonComparer.Instance)
        : throw new MongoException(code, $"All operands of {name} must be arrays. One argument is of type: {Values.TypeName(v)}");

    /// <summary>Result elements in first-seen order across the inputs, each once (deterministic output).</summary>
    private static List<BsonValue> Ordered(BsonValue[] inputs, HashSet<BsonValue> members)
    {
        var seen = new HashSet<BsonValue>(BsonComparer.Instance);
        var list = new List<BsonValue>();
        foreach (var input in inputs)
        {
            foreach (var e in (BsonArray)input)
            {
                if (members.Contains(e) && seen.Add(e))
                {
                    list.Add(e);
                }
            }
        }

        return list;
    }
}
