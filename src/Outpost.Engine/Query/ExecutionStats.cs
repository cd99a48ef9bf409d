namespace Outpost.Engine.Query;

/// <summary>Counters explain's executionStats reports.</summary>
internal sealed class ExecutionStats
{
    public long KeysExamined;
    public long DocsExamined;
    public long Returned;
}
