namespace Outpost.Engine;

/// <summary>How much explain reports.</summary>
public enum ExplainVerbosity
{
    /// <summary>queryPlanner only.</summary>
    QueryPlanner,

    /// <summary>queryPlanner and executionStats of the winning plan.</summary>
    ExecutionStats,

    /// <summary>As ExecutionStats (Outpost evaluates a single plan).</summary>
    AllPlansExecution,
}
