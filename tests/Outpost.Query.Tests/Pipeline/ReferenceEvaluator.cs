using Outpost.Bson;

namespace Outpost.Query.Tests.Pipeline;

/// <summary>
/// A deliberately simple, separately written evaluator for a small subset of pipelines (scalar/array fields of ints,
/// doubles, strings and null; $match with $eq/$ne/$gt/$gte/$lt/$lte/$in; $project inclusion/exclusion and one $add;
/// $group by a field with $sum/$max/$min; $sort; $skip; $limit; $unwind). It shares no code with the library.
/// </summary>
internal static class ReferenceEvaluator
{
    public static List<BsonDocument> Run(BsonArray pipeline, List<BsonDocument> input)
    {
        var docs = input;
        foreach (var stage in pipeline)
        {
            var e = stage.AsDocument.GetElement(0);
            docs = e.Name switch
            {
                "$match" => docs.Where(d => Match(d, e.Value.AsDocument)).ToList(),
                "$project" => docs.Select(d => Project(d, e.Value.AsDocument)).ToList(),
                "$group" => Group(docs, e.Value.AsDocument),
                "$sort" => Sort(docs, e.Value.AsDocument),
                "$skip" => docs.Skip(e.Value.AsInt32).ToList(),
                "$limit" => docs.Take(e.Value.AsInt32).ToList(),
                "$unwind" => Unwind(docs, e.Value.AsString[1..]),
                _ => throw new NotSupportedException(e.Name),
            };
        }

        return docs;
    }

    private static BsonValue? Get(BsonDocument d, string f) => d.TryGetValue(f, out var v) ? v : null;

    private static double? Num(BsonValue? v) => v switch
    {
        BsonInt32 i => i.Value,
        BsonInt64 l => l.Value,
        BsonDouble x => x.Value,
        _ => null,
    };

    // Order used for sorting and comparisons: missing/null (0) < numbers (1) < strings (2) < arrays (3).
    private static int Rank(BsonValue? v) => v is null || v is BsonNull ? 0 : Num(v) is not null ? 1 : v is BsonArray ? 3 : 2;

    private static int Cmp(BsonValue? a, BsonValue? b)
    {
        int ra = Rank(a), rb = Rank(b);
        if (ra != rb)
        {
            return ra.CompareTo(rb);
        }

        return ra switch
        {
            0 => 0,
            1 => Num(a)!.Value.CompareTo(Num(b)!.Value),
            3 => CmpArrays((BsonArray)a!, (BsonArray)b!),
            _ => string.CompareOrdinal(((BsonString)a!).Value, ((BsonString)b!).Value),
        };
    }

    private static int CmpArrays(BsonArray a, BsonArray b)
    {
        for (int i = 0; i < Math.Min(a.Count, b.Count); i++)
        {
            int c = Cmp(a[i], b[i]);
            if (c != 0)
            {
                return c;
            }
        }

        return a.Count.CompareTo(b.Count);
    }

    private static bool ScalarEq(BsonValue? v, BsonValue x) =>
        x is BsonNull ? v is null || v is BsonNull : v is not null && Rank(v) == Rank(x) && Cmp(v, x) == 0;

    private static bool Eq(BsonValue? v, BsonValue x) =>
        ScalarEq(v, x) || (v is BsonArray arr && arr.Any(e => ScalarEq(e, x)));

    private static bool Range(BsonValue? v, BsonValue x, Func<int, bool> ok)
    {
        bool One(BsonValue? e) => e is not null && Rank(e) == Rank(x) && Rank(x) != 0 && ok(Cmp(e, x));
        return One(v) || (v is BsonArray arr && arr.Any(One));
    }

    private static bool Match(BsonDocument d, BsonDocument filter)
    {
        foreach (var (field, cond) in filter)
        {
            var v = Get(d, field);
            foreach (var (op, x) in cond.AsDocument)
            {
                bool ok = op switch
                {
                    "$eq" => Eq(v, x),
                    "$ne" => !Eq(v, x),
                    "$gt" => Range(v, x, c => c > 0),
                    "$gte" => Range(v, x, c => c >= 0),
                    "$lt" => Range(v, x, c => c < 0),
                    "$lte" => Range(v, x, c => c <= 0),
                    "$in" => x.AsArray.Any(y => Eq(v, y)),
                    _ => throw new NotSupportedException(op),
                };
                if (!ok)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static BsonDocument Project(BsonDocument d, BsonDocument spec)
    {
        bool inclusion = spec.Any(e => e.Name != "_id" && (e.Value is BsonDocument || e.Value.AsInt32 == 1));
        var result = new BsonDocument();
        if (inclusion)
        {
            bool keepId = !spec.Any(e => e.Name == "_id" && e.Value is BsonInt32 { Value: 0 });
            foreach (var (name, value) in d)
            {
                if ((name == "_id" && keepId) || (spec.Any(e => e.Name == name && e.Value is BsonInt32 { Value: 1 })))
                {
                    result.Add(name, value);
                }
            }

            foreach (var (name, value) in spec)
            {
                if (value is BsonDocument add)
                {
                    // Only { $add: ['$field', <int>] } is generated.
                    var args = add["$add"].AsArray;
                    var v = Get(d, args[0].AsString[1..]);
                    int k = args[1].AsInt32;
                    result.Add(name, v switch
                    {
                        BsonInt32 i => (long)i.Value + k is var s && s is >= int.MinValue and <= int.MaxValue ? (BsonValue)(int)s : s,
                        BsonDouble x => x.Value + k,
                        _ => BsonNull.Value,
                    });
                }
            }

            return result;
        }

        foreach (var (name, value) in d)
        {
            if (!spec.Any(e => e.Name == name))
            {
                result.Add(name, value);
            }
        }

        return result;
    }

    private static List<BsonDocument> Group(List<BsonDocument> docs, BsonDocument spec)
    {
        string keyField = spec["_id"].AsString[1..];
        var groups = new List<(BsonValue Key, List<BsonDocument> Docs)>();
        foreach (var d in docs)
        {
            var key = Get(d, keyField) ?? BsonNull.Value;
            int i = groups.FindIndex(g => Rank(g.Key) == Rank(key) && Cmp(g.Key, key) == 0);
            if (i < 0)
            {
                groups.Add((key, [d]));
            }
            else
            {
                groups[i].Docs.Add(d);
            }
        }

        var result = new List<BsonDocument>();
        foreach (var (key, members) in groups)
        {
            var doc = new BsonDocument("_id", key);
            foreach (var e in spec)
            {
                if (e.Name == "_id")
                {
                    continue;
                }

                var acc = e.Value.AsDocument.GetElement(0);
                var values = acc.Value is BsonString path
                    ? members.Select(m => Get(m, path.Value[1..])).ToList()
                    : members.Select(_ => (BsonValue?)acc.Value).ToList();
                doc.Add(e.Name, acc.Name switch
                {
                    "$sum" => SumOf(values),
                    "$max" => values.Where(v => Rank(v) != 0).OrderByDescending(v => v, Comparer<BsonValue?>.Create(Cmp)).FirstOrDefault() ?? BsonNull.Value,
                    "$min" => values.Where(v => Rank(v) != 0).OrderBy(v => v, Comparer<BsonValue?>.Create(Cmp)).FirstOrDefault() ?? BsonNull.Value,
                    _ => throw new NotSupportedException(acc.Name),
                });
            }

            result.Add(doc);
        }

        return result;
    }

    private static BsonValue SumOf(List<BsonValue?> values)
    {
        long ints = 0;
        double doubles = 0;
        bool anyDouble = false;
        foreach (var v in values)
        {
            switch (v)
            {
                case BsonInt32 i:
                    ints += i.Value;
                    break;
                case BsonDouble d:
                    doubles += d.Value;
                    anyDouble = true;
                    break;
            }
        }

        if (anyDouble)
        {
            return ints + doubles;
        }

        return ints is >= int.MinValue and <= int.MaxValue ? (BsonValue)(int)ints : ints;
    }

    private static List<BsonDocument> Sort(List<BsonDocument> docs, BsonDocument spec)
    {
        IOrderedEnumerable<BsonDocument>? ordered = null;
        foreach (var (field, dir) in spec)
        {
            var cmp = Comparer<BsonValue?>.Create(Cmp);
            ordered = ordered is null
                ? (dir.AsInt32 > 0 ? docs.OrderBy(d => Get(d, field), cmp) : docs.OrderByDescending(d => Get(d, field), cmp))
                : (dir.AsInt32 > 0 ? ordered.ThenBy(d => Get(d, field), cmp) : ordered.ThenByDescending(d => Get(d, field), cmp));
        }

        return ordered!.ToList();
    }

    private static List<BsonDocument> Unwind(List<BsonDocument> docs, string field)
    {
        var result = new List<BsonDocument>();
        foreach (var d in docs)
        {
            var v = Get(d, field);
            if (v is BsonArray arr)
            {
                foreach (var e in arr)
                {
                    var copy = new BsonDocument();
                    foreach (var (n, x) in d)
                    {
                        copy.Add(n, n == field ? e : x);
                    }

                    result.Add(copy);
                }
            }
            else if (v is not null && v is not BsonNull)
            {
                result.Add(d);
            }
        }

        return result;
    }
}
