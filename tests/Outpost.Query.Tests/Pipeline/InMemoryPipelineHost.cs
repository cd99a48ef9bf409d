using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Query.Pipeline;

namespace Outpost.Query.Tests.Pipeline;

/// <summary>A test host: named in-memory collections; $out writes into them; records the stages it ran.</summary>
internal sealed class InMemoryPipelineHost : IPipelineHost
{
    public Dictionary<string, List<BsonDocument>> Collections { get; } = new(StringComparer.Ordinal);

    public List<string> ExecutedStages { get; } = [];

    public InMemoryPipelineHost With(string name, string documentsJson)
    {
        Collections[name] = [.. AggJson.Array(documentsJson).Select(d => d.AsDocument)];
        return this;
    }

    public async IAsyncEnumerable<BsonDocument> ReadCollectionAsync(string? database, string collection, BsonDocument? filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (Collections.TryGetValue(collection, out var docs))
        {
            foreach (var d in docs)
            {
                yield return d;
            }
        }
    }

    public bool SupportsStage(string stageName) => stageName is "$out" or "$collStats";

    public async IAsyncEnumerable<BsonDocument> ExecuteStageAsync(string stageName, BsonValue specification, IAsyncEnumerable<BsonDocument> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ExecutedStages.Add(stageName);
        if (stageName == "$out")
        {
            var target = new List<BsonDocument>();
            await foreach (var d in input.WithCancellation(cancellationToken))
            {
                target.Add(d);
            }

            Collections[specification.AsString] = target;
            yield break;
        }

        yield return new BsonDocument("count", Collections.Sum(c => c.Value.Count));
    }
}

public abstract class PipelineTestBase
{
    internal static async Task<List<BsonDocument>> RunAsync(string pipeline, string documents, QueryContext? context = null, IPipelineHost? host = null)
    {
        var compiled = AggregationPipeline.Compile(AggJson.Array(pipeline), context ?? QueryContext.Default, host);
        var output = new List<BsonDocument>();
        await foreach (var d in compiled.ExecuteAsync(AggJson.Array(documents).Select(v => v.AsDocument)))
        {
            output.Add(d);
        }

        return output;
    }

    internal static async Task CheckAsync(string pipeline, string documents, string expected, IPipelineHost? host = null, QueryContext? context = null)
    {
        var actual = await RunAsync(pipeline, documents, context, host);
        BsonAssert.Equal(AggJson.Array(expected), new BsonArray(actual));
    }

    internal static async Task<int> ErrorCodeAsync(string pipeline, string documents = "[{ a: 1 }]", IPipelineHost? host = null, QueryContext? context = null)
    {
        var ex = await Assert.ThrowsAsync<MongoException>(() => RunAsync(pipeline, documents, context, host));
        return ex.Code;
    }
}
