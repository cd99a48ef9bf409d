using Outpost.Bson;
using Outpost.Query.Sorting;

namespace Outpost.Query;

/// <summary>
/// Everything a compiled filter, update, projection or pipeline may need from the operation that runs it:
/// collation, <c>let</c> variables, the clock, and memory limits. Immutable; one per operation.
/// </summary>
public sealed class QueryContext
{
    /// <summary>A context with the simple collation, no variables and the current time.</summary>
    public static QueryContext Default => new();

    /// <summary>The collation strings are compared with; null means the simple (binary) collation.</summary>
    public Collation? Collation { get; init; }

    /// <summary>User variables from the command's <c>let</c>, visible as <c>$$name</c>.</summary>
    public BsonDocument? Variables { get; init; }

    /// <summary>The value of <c>$$NOW</c>: fixed for the whole operation, as MongoDB does.</summary>
    public DateTime Now { get; init; } = DateTime.UtcNow;

    /// <summary>The value of <c>$$CLUSTER_TIME</c>, when the engine knows it.</summary>
    public BsonTimestamp? ClusterTime { get; init; }

    /// <summary>Memory a blocking stage may use before it must spill or fail (MongoDB: 100 MB).</summary>
    public long MemoryLimitBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>Whether blocking stages may spill to temporary files past <see cref="MemoryLimitBytes"/>.</summary>
    public bool AllowDiskUse { get; init; }

    /// <summary>Where spilled runs go; null means the system temp folder.</summary>
    public string? TempDirectory { get; init; }
}
