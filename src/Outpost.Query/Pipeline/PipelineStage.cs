using Outpost.Bson;

namespace Outpost.Query.Pipeline;

/// <summary>One compiled stage: turns a stream of documents into another.</summary>
internal abstract class PipelineStage
{
    public abstract string Name { get; }

    public abstract IAsyncEnumerable<BsonDocument> ExecuteAsync(IAsyncEnumerable<BsonDocument> input, StageRuntime runtime, CancellationToken cancellationToken);
}

/// <summary>Per-execution services for stages: the context, the host, and spill files.</summary>
internal sealed class StageRuntime(QueryContext context, IPipelineHost? host)
{
    public QueryContext Context { get; } = context;

    public IPipelineHost Host => host ?? throw new MongoException(ErrorCodes.IllegalOperation, "this stage needs a database (no pipeline host was given)");

    public IPipelineHost? HostOrNull => host;
}
