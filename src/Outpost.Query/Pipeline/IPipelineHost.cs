namespace Outpost.Query.Pipeline;

/// <summary>
/// What a pipeline needs from the database it runs in ($lookup, $unionWith, $out, $merge, …), implemented by the engine.
/// Stub: its members are designed by the aggregation work.
/// </summary>
public partial interface IPipelineHost
{
}
