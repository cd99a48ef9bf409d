using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query.Pipeline.Stages;

/// <summary>$densify over numbers or dates, partitioned, with bounds "full", "partition" or [lower, upper).</summary>
internal sealed class DensifyStage(string field, string[] partitionFields, BsonValue step, string? unit, BsonValue bounds) : PipelineStage
{
    public override string Name => "$densify";

    public static DensifyStage Compile(BsonValue spec)
    {
        if (spec is not BsonDocument doc || !doc.TryGetValue("field", out var f) || f is not BsonString fs)
        {
            throw new MongoException(40414, "BSON field '$densify.field' is missing but a required field");
        }

        if (!doc.TryGetValue("range", out var r) || r is not BsonDocument range)
        {
            throw new MongoException(40414, "BSON field '$densify.range' is missing but a required field");
        }

        var parts = doc.TryGetValue("partitionByFields", out var p) ? p.AsArray.Select(x => x.AsString).ToArray() : [];
        if (!range.TryGetValue("step", out var step) || !step.IsNumeric || step.ToDouble() <= 0)
        {
            throw new MongoException(5733401, "the step parameter in a range statement must be a strictly positive numeric value");
        }

        string? unit = range.TryGetValue("unit", out var u) ? u.AsString : null;
        if (unit is not null && !Values.TryGetLong(step, out _))
        {
            throw new MongoException(5733402, "a bounding array must be an ascending array of either two dates or two numbers");
        }

        if (!range.TryGetValue("bounds", out var bounds))
        {
            throw new MongoException(40414, "BSON field 'DensifySpec.range.bounds' is missing but a required field");
        }

        if (bounds is BsonString { Value: "partition" } && parts.Length == 0)
        {
            throw new MongoException(5733408, "one may not specify the bounds as 'partition' without specifying a non-empty array of partitionByFields");
        }

        return new DensifyStage(fs.Value, parts, step, unit, bounds);
    }

    private BsonValue Next(BsonValue v) => unit is null
        ? ArithmeticOperators.Add([v, step])
        : new BsonDateTime(DateOperators.AddUnits(((BsonDateTime)v).MillisecondsSinceEpoch, unit, step.ToInt64(), TimeZoneSpec.Utc));

    public override async IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = field.Split('.');
        var docs = await AsyncSequence.ToListAsync(input, ct).ConfigureAwait(false);
        BsonValue PartKey(BsonDocument d)
        {
            var k = new BsonDocument();
            foreach (var pf in partitionFields)
            {
                k.Add(pf, Values.NullIfMissing(FieldPathExpression.Walk(d, pf.Split('.'), 0)));
            }

            return k;
        }

        BsonValue ValueOf(BsonDocument d) => FieldPathExpression.Walk(d, path, 0);
        var withValue = docs.Where(d => !Values.IsNullish(ValueOf(d))).ToList();
        foreach (var d in withValue)
        {
            var v = ValueOf(d);
            if (unit is null ? !v.IsNumeric : v is not BsonDateTime)
            {
                throw new MongoException(5733201, unit is null
                    ? "Densify field type must be numeric when no unit is specified"
                    : "Densify field type must be a date when a unit is specified");
            }
        }

        var partitions = new List<(BsonValue Key, List<BsonDocument> Docs)>();
        var byKey = new Dictionary<BsonValue, List<BsonDocument>>(BsonComparer.Instance);
        foreach (var d in withValue)
        {
            var k = PartKey(d);
            if (!byKey.TryGetValue(k, out var list))
            {
                byKey[k] = list = [];
                partitions.Add((k, list));
            }

            list.Add(d);
        }

        BsonValue? fullMin = null, fullMax = null;
        foreach (var d in withValue)
        {
            var v = ValueOf(d);
            if (fullMin is null || Values.Compare(v, fullMin) < 0)
            {
                fullMin = v;
            }

            if (fullMax is null || Values.Compare(v, fullMax) > 0)
            {
                fullMax = v;
            }
        }

        // Documents without the field pass through first, as MongoDB emits them unchanged.
        foreach (var d in docs.Where(d => Values.IsNullish(ValueOf(d))))
        {
            yield return d;
        }

        foreach (var (key, list) in partitions)
        {
            list.Sort((a, b) => Values.Compare(ValueOf(a), ValueOf(b)));
            BsonValue lo, hi;
            bool inclusiveHi = false;
            switch (bounds)
            {
                case BsonString { Value: "full" }:
                    (lo, hi, inclusiveHi) = (fullMin!, fullMax!, true);
                    break;
                case BsonString { Value: "partition" }:
                    (lo, hi, inclusiveHi) = (ValueOf(list[0]), ValueOf(list[^1]), true);
                    break;
                case BsonArray { Count: 2 } arr:
                    (lo, hi) = (arr[0], arr[1]);
                    break;
                default:
                    throw new MongoException(5946802, "the bounds in a range statement must be the string 'full', 'partition', or an ascending array of two numbers or two dates");
            }

            var existing = new HashSet<BsonValue>(list.Select(ValueOf), BsonComparer.Instance);
            var generated = new List<BsonDocument>();
            for (var v = lo; Values.Compare(v, hi) < 0 || (inclusiveHi && Values.Compare(v, hi) == 0); v = Next(v))
            {
                if (!existing.Contains(v))
                {
                    var nd = new BsonDocument();
                    foreach (var e in (BsonDocument)key)
                    {
                        SetPath(nd, e.Name.Split('.'), e.Value);
                    }

                    SetPath(nd, path, v);
                    generated.Add(nd);
                }
            }

            foreach (var d in list.Concat(generated).OrderBy(ValueOf, Comparer<BsonValue>.Create(Values.Compare)))
            {
                yield return d;
            }
        }
    }

    private static void SetPath(BsonDocument doc, string[] path, BsonValue value)
    {
        var current = doc;
        for (int i = 0; i < path.Length - 1; i++)
        {
            if (!current.TryGetValue(path[i], out var next) || next is not BsonDocument nd)
            {
                nd = [];
                current.Set(path[i], nd);
            }

            current = nd;
        }

        current.Set(path[^1], value);
    }
}

/// <summary>$fill: compiled into $setWindowFields ($locf/$linearFill) and $addFields ($ifNull with the value).</summary>
internal static class FillStage
{
    public static PipelineStage[] Compile(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc || !doc.TryGetValue("output", out var o) || o is not BsonDocument output)
        {
            throw new MongoException(40414, "BSON field '$fill.output' is missing but a required field");
        }

        BsonValue? partitionBy = doc.TryGetValue("partitionBy", out var pb) ? pb : null;
        if (doc.TryGetValue("partitionByFields", out var pbf))
        {
            if (partitionBy is not null)
            {
                throw new MongoException(6050204, "Maximum one of 'partitionBy' and 'partitionByFields can be specified in '$fill'");
            }

            var pd = new BsonDocument();
            foreach (var f in pbf.AsArray)
            {
                pd.Add(f.AsString, "$" + f.AsString);
            }

            partitionBy = pd;
        }

        var sortBy = doc.TryGetValue("sortBy", out var sb) ? sb : null;
        var windowOutput = new BsonDocument();
        var valueOutput = new BsonDocument();
        foreach (var e in output)
        {
            if (e.Value is not BsonDocument fd || fd.ElementCount != 1)
            {
                throw new MongoException(6050203, "Exactly one of 'value' and 'method' must be specified in $fill output fields");
            }

            var (k, v) = (fd.GetElement(0).Name, fd.GetElement(0).Value);
            if (k == "value")
            {
                valueOutput.Add(e.Name, new BsonDocument("$ifNull", new BsonArray { "$" + e.Name, v }));
            }
            else if (k == "method" && v is BsonString { Value: "locf" or "linear" } m)
            {
                if (sortBy is null)
                {
                    throw new MongoException(6050201, "sortBy required if any output field specifies a 'method'");
                }

                windowOutput.Add(e.Name, new BsonDocument(m.Value == "locf" ? "$locf" : "$linearFill", "$" + e.Name));
            }
            else
            {
                throw new MongoException(6050202, "Method must be either locf or linear");
            }
        }

        var stages = new List<PipelineStage>();
        if (windowOutput.ElementCount > 0)
        {
            var swf = new BsonDocument();
            if (partitionBy is not null)
            {
                swf.Add("partitionBy", partitionBy);
            }

            swf.Add("sortBy", sortBy!);
            swf.Add("output", windowOutput);
            stages.Add(WindowStage.Compile(swf, context));
        }
        else if (sortBy is not null)
        {
            stages.Add(new SortStage(SortKey.Parse(sortBy, "$sort")));
        }

        if (valueOutput.ElementCount > 0)
        {
            stages.Add(new ProjectStage("$fill", ProjectionTree.Parse(valueOutput, context, addFields: true), addFields: true));
        }

        return [.. stages];
    }
}
