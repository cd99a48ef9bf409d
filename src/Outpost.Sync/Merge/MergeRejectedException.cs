namespace Outpost.Sync.Merge;

/// <summary>An operation that no strategy can apply (for example a partial write to a last-writer-wins unit).</summary>
public sealed class MergeRejectedException(string message) : Exception(message);
