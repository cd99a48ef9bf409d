using Outpost.Bson;
using Outpost.Query.Pipeline;

namespace Outpost.Query.Tests.Pipeline;

/// <summary>Random small pipelines over random documents: the library and <see cref="ReferenceEvaluator"/> must agree.</summary>
public class DifferentialPipelineTests
{
    private static BsonValue? RandomScalar(Random r, bool strings) => r.Next(10) switch
    {
        0 => null,
        1 => BsonNull.Value,
        2 => r.Next(5) + 0.5,
        _ => strings ? (BsonValue)new[] { "x", "y", "z" }[r.Next(3)] : r.Next(5),
    };

    private static List<BsonDocument> RandomDocs(Random r)
    {
        var docs = new List<BsonDocument>();
        int n = r.Next(0, 25);
        for (int i = 0; i < n; i++)
        {
            var d = new BsonDocument("_id", i);
            foreach (var (name, strings) in new[] { ("a", false), ("b", true) })
            {
                var v = RandomScalar(r, strings);
                if (v is not null)
                {
                    d.Add(name, v);
                }
            }

            switch (r.Next(4))
            {
                case 0:
                    break;
                case 1:
                    d.Add("c", r.Next(4));
                    break;
                default:
                    d.Add("c", new BsonArray(Enumerable.Range(0, r.Next(4)).Select(_ => (BsonValue)r.Next(4))));
                    break;
            }

            docs.Add(d);
        }

        return docs;
    }

    private static BsonDocument RandomStage(Random r)
    {
        switch (r.Next(8))
        {
            case 0:
            case 1:
            {
                string field = new[] { "a", "b", "c" }[r.Next(3)];
                BsonValue Value() => field == "b" ? new[] { "x", "y", "z" }[r.Next(3)] : r.Next(5);
                string op = new[] { "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in" }[r.Next(7)];
                BsonValue arg = op == "$in" ? new BsonArray { Value(), Value() } : r.Next(6) == 0 && op is "$eq" or "$ne" ? BsonNull.Value : Value();
                return new BsonDocument("$match", new BsonDocument(field, new BsonDocument(op, arg)));
            }

            case 2:
                return r.Next(3) switch
                {
                    0 => AggJson.Doc("{ $project: { a: 1, c: 1 } }"),
                    1 => AggJson.Doc("{ $project: { b: 0 } }"),
                    _ => AggJson.Doc("{ $project: { _id: 0, b: 1, s: { $add: ['$a', 1] } } }"),
                };
            case 3:
                return AggJson.Doc(r.Next(2) == 0
                    ? "{ $group: { _id: '$b', n: { $sum: 1 }, total: { $sum: '$a' }, mx: { $max: '$a' }, mn: { $min: '$c' } } }"
                    : "{ $group: { _id: '$a', n: { $sum: 1 }, firstB: { $max: '$b' } } }");
            case 4:
                return AggJson.Doc(new[] { "{ $sort: { a: 1, _id: 1 } }", "{ $sort: { b: -1, _id: 1 } }", "{ $sort: { _id: -1 } }" }[r.Next(3)]);
            case 5:
                return new BsonDocument("$limit", r.Next(1, 10));
            case 6:
                return new BsonDocument("$skip", r.Next(0, 5));
            default:
                return AggJson.Doc("{ $unwind: '$c' }");
        }
    }

    [Fact]
    public async Task Random_pipelines_agree_with_the_reference_evaluator()
    {
        for (int seed = 1; seed <= 400; seed++)
        {
            var r = new Random(seed);
            var docs = RandomDocs(r);
            var pipeline = new BsonArray();
            int stages = r.Next(1, 5);
            for (int i = 0; i < stages; i++)
            {
                var stage = RandomStage(r);
                pipeline.Add(stage);
                if (stage.GetElement(0).Name == "$group")
                {
                    // $group output order is unspecified: pin it for the comparison.
                    pipeline.Add(AggJson.Doc("{ $sort: { _id: 1 } }"));
                }
            }

            var expected = ReferenceEvaluator.Run(pipeline, docs.Select(d => d.DeepClone()).ToList());
            var actual = new List<BsonDocument>();
            await foreach (var d in AggregationPipeline.Compile(pipeline, QueryContext.Default).ExecuteAsync(docs, TestContext.Current.CancellationToken))
            {
                actual.Add(d);
            }

            if (!BsonAssert.ExactlyEqual(new BsonArray(expected), new BsonArray(actual)))
            {
                Assert.Fail($"seed {seed}: pipeline {pipeline}\n input {new BsonArray(docs)}\n expected {BsonAssert.Describe(new BsonArray(expected))}\n actual   {BsonAssert.Describe(new BsonArray(actual))}");
            }
        }
    }
}
