namespace Outpost.Sync.Merge;

/// <summary>The merge rule of one field path (and everything below it).</summary>
public sealed record FieldPolicy(MergeStrategy Strategy)
{
    /// <summary>For <see cref="MergeStrategy.Priority"/>: values from highest to lowest priority (unknown values rank lowest).</summary>
    public IReadOnlyList<string> PriorityOrder { get; init; } = [];

    /// <summary>For <see cref="MergeStrategy.Custom"/>.</summary>
    public IFieldResolver? Resolver { get; init; }

    public static FieldPolicy Default { get; } = new(MergeStrategy.FieldMerge);

    /// <summary>The sync status order of the plant's devices: synced &gt; syncing &gt; pending &gt; failed &gt; conflicted.</summary>
    public static FieldPolicy SyncStatusPriority { get; } =
        new(MergeStrategy.Priority) { PriorityOrder = ["synced", "syncing", "pending", "failed", "conflicted"] };

    /// <summary>Rank of a value in <see cref="PriorityOrder"/>: larger is better, -1 when unknown or missing.</summary>
    public int RankOf(Bson.BsonValue? value)
    {
        if (value is not Bson.BsonString s)
        {
            return -1;
        }
        for (int i = 0; i < PriorityOrder.Count; i++)
        {
            if (PriorityOrder[i] == s.Value)
            {
                return PriorityOrder.Count - i;
            }
        }
        return -1;
    }
}
