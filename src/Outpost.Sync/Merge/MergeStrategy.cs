namespace Outpost.Sync.Merge;

/// <summary>How concurrent writes to a field (or a whole document) are merged.</summary>
public enum MergeStrategy
{
    /// <summary>The default: every field path is its own last-writer-wins register, so concurrent edits to different fields all survive.</summary>
    FieldMerge,

    /// <summary>The field (or document, at the root) is one unit: the write with the greatest HLC stamp wins, device id breaking ties.</summary>
    LastWriterWins,

    /// <summary>An array treated as a set: adds and removes from every replica are merged (last-writer-wins per element).</summary>
    SetUnion,

    /// <summary>An append-only log with attribution (inspector notes): every replica's entries are kept, ordered by stamp.</summary>
    AppendWithAttribution,

    /// <summary>The value ranked highest in the field's priority order wins (sync status: synced &gt; syncing &gt; pending &gt; failed &gt; conflicted).</summary>
    Priority,

    /// <summary>A counter: increments from every replica add up.</summary>
    Counter,

    /// <summary>Concurrent values are all kept as siblings (a multi-value register) and a conflict record asks the app to choose.</summary>
    KeepBoth,

    /// <summary>A C# <see cref="IFieldResolver"/> decides between concurrent values.</summary>
    Custom,
}
