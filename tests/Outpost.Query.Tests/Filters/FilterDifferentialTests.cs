using Outpost.Bson;
using Outpost.Bson.Serialization;

namespace Outpost.Query.Tests.Filters;

/// <summary>
/// Random filters over random documents: the compiled matcher (document and bytes paths) must agree with a deliberately
/// naive reference evaluator that first lists every value a path reaches, then applies the operator to the list.
/// </summary>
public class FilterDifferentialTests
{
    private static readonly string[] Paths = ["a", "b", "a.x", "a.0", "c.x.y"];
    private static readonly string[] Ops = ["$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$size"];

    [Fact]
    public void Matcher_agrees_with_reference_evaluator()
    {
        int seed = Environment.TickCount;
        var rng = new Random(seed);
        for (int iteration = 0; iteration < 3000; iteration++)
        {
            var doc = RandomDoc(rng);
            var (filter, reference) = RandomFilter(rng, 0);
            bool expected = reference(doc);
            var compiled = QueryFilter.Compile(filter);
            bool actual = compiled.Matches(doc);
            bool bytes = compiled.Matches(BsonSerializer.Serialize(doc));
            Assert.True(expected == actual && actual == bytes,
                $"seed {seed} iteration {iteration}: filter {filter} doc {doc} reference={expected} matcher={actual} bytes={bytes}");
        }
    }

    private static BsonValue RandomScalar(Random r) => r.Next(8) switch
    {
        0 => BsonNull.Value,
        1 => BsonInt32.Create(r.Next(-2, 3)),
        2 => new BsonDouble(r.Next(-2, 3) + 0.5),
        3 => new BsonInt64(r.Next(-2, 3)),
        4 => new BsonString(((char)('a' + r.Next(3))).ToString()),
        5 => BsonBoolean.Create(r.Next(2) == 0),
        6 => new BsonDecimal128(r.Next(-2, 3)),
        _ => BsonInt32.Create(1),
    };

    private static BsonValue RandomValue(Random r, int depth) => depth > 2 ? RandomScalar(r) : r.Next(6) switch
    {
        0 => new BsonArray(Enumerable.Range(0, r.Next(4)).Select(_ => RandomValue(r, depth + 1))),
        1 => RandomDocValue(r, depth + 1),
        _ => RandomScalar(r),
    };

    private static BsonDocument RandomDocValue(Random r, int depth)
    {
        var d = new BsonDocument();
        foreach (var name in new[] { "x", "y", "0" })
        {
            if (r.Next(2) == 0)
            {
                d.Add(name, RandomValue(r, depth));
            }
        }

        return d;
    }

    private static BsonDocument RandomDoc(Random r)
    {
        var d = new BsonDocument("_id", 1);
        foreach (var name in new[] { "a", "b", "c" })
        {
            if (r.Next(4) != 0)
            {
                d.Add(name, RandomValue(r, 0));
            }
        }

        return d;
    }

    private static (BsonDocument Filter, Func<BsonDocument, bool> Eval) RandomFilter(Random r, int depth)
    {
        if (depth < 2 && r.Next(4) == 0)
        {
            var kids = Enumerable.Range(0, r.Next(1, 3)).Select(_ => RandomFilter(r, depth + 1)).ToArray();
            string logical = r.Next(3) switch { 0 => "$and", 1 => "$or", _ => "$nor" };
            var array = new BsonArray(kids.Select(k => (BsonValue)k.Filter));
            Func<BsonDocument, bool> eval = logical switch
            {
                "$and" => d => kids.All(k => k.Eval(d)),
                "$or" => d => kids.Any(k => k.Eval(d)),
                _ => d => !kids.Any(k => k.Eval(d)),
            };
            return (new BsonDocument(logical, array), eval);
        }

        string path = Paths[r.Next(Paths.Length)];
        string op = Ops[r.Next(Ops.Length)];
        BsonValue arg = op switch
        {
            "$in" or "$nin" => new BsonArray(Enumerable.Range(0, r.Next(3)).Select(_ => RandomScalar(r))),
            "$exists" => BsonBoolean.Create(r.Next(2) == 0),
            "$size" => BsonInt32.Create(r.Next(3)),
            _ => r.Next(5) == 0 ? RandomValue(r, 1) : RandomScalar(r),
        };
        return (new BsonDocument(path, new BsonDocument(op, arg)), d => Reference(d, path, op, arg));
    }

    // ---- the reference: enumerate reached values (null = missing), then decide ----

    private static bool Reference(BsonDocument doc, string path, string op, BsonValue arg)
    {
        var reached = new List<BsonValue?>();
        Reach(doc, path.Split('.'), 0, reached);
        if (reached.Count == 0)
        {
            reached.Add(null);
        }

        return op switch
        {
            "$ne" => !reached.Any(v => AnyCandidate(v, c => Cmp("$eq", c, arg))),
            "$nin" => !reached.Any(v => AnyCandidate(v, c => arg.AsArray.Any(x => Cmp("$eq", c, x)))),
            "$in" => reached.Any(v => AnyCandidate(v, c => arg.AsArray.Any(x => Cmp("$eq", c, x)))),
            "$exists" => reached.Any(v => v is not null) == arg.AsBoolean,
            "$size" => reached.Any(v => v is BsonArray a && a.Count == arg.AsInt32),
            _ => reached.Any(v => AnyCandidate(v, c => Cmp(op, c, arg))),
        };
    }

    private static bool AnyCandidate(BsonValue? v, Func<BsonValue?, bool> test) =>
        v is BsonArray a ? a.Any(x => test(x)) || test(a) : test(v);

    private static void Reach(BsonValue v, string[] parts, int i, List<BsonValue?> output)
    {
        if (i == parts.Length)
        {
            output.Add(v);
            return;
        }

        if (v is BsonDocument d)
        {
            output.AddRange(d.TryGetValue(parts[i], out var c) ? Collect(c, parts, i + 1) : [null]);
        }
        else if (v is BsonArray a)
        {
            if (int.TryParse(parts[i], out int n) && n >= 0 && n < a.Count)
            {
                Reach(a[n], parts, i + 1, output);
            }

            foreach (var e in a.OfType<BsonDocument>())
            {
                Reach(e, parts, i, output);
            }
        }
    }

    private static List<BsonValue?> Collect(BsonValue v, string[] parts, int i)
    {
        var list = new List<BsonValue?>();
        Reach(v, parts, i, list);
        return list;
    }

    private static bool Cmp(string op, BsonValue? value, BsonValue arg)
    {
        if (arg.IsNull)
        {
            bool isNull = value is null || value.IsNull;
            return op is "$eq" or "$gte" or "$lte" && isNull;
        }

        if (value is null || BsonComparer.GetBracket(value.Type) != BsonComparer.GetBracket(arg.Type))
        {
            return false;
        }

        int c = value.CompareTo(arg);
        return op switch { "$eq" => c == 0, "$gt" => c > 0, "$gte" => c >= 0, "$lt" => c < 0, _ => c <= 0 };
    }
}
