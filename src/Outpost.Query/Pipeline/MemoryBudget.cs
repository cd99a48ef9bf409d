namespace Outpost.Query.Pipeline;

/// <summary>Tracks the approximate bytes a blocking stage holds against <see cref="QueryContext.MemoryLimitBytes"/>.</summary>
internal sealed class MemoryBudget(QueryContext context, string stageName)
{
    public long Used { get; private set; }

    public bool AllowDiskUse => context.AllowDiskUse;

    public void Add(long bytes) => Used += bytes;

    /// <summary>Whether the limit is currently exceeded (without deciding between spilling and failing).</summary>
    public bool Exceeded => Used > context.MemoryLimitBytes;

    public void Reset() => Used = 0;

    /// <summary>True when over the limit and spilling is allowed; throws 292 when over the limit and it is not.</summary>
    public bool MustSpill()
    {
        if (Used <= context.MemoryLimitBytes)
        {
            return false;
        }

        if (!context.AllowDiskUse)
        {
            throw new MongoException(ErrorCodes.QueryExceededMemoryLimitNoDiskUseAllowed, stageName == "$sort"
                ? $"Sort exceeded memory limit of {context.MemoryLimitBytes} bytes, but did not opt in to external sorting. Aborting operation. Pass allowDiskUse:true to opt in."
                : $"Exceeded memory limit for {stageName}, but didn't allow external sort. Pass allowDiskUse:true to opt in.");
        }

        return true;
    }
}
