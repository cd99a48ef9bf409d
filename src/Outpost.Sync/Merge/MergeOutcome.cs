namespace Outpost.Sync.Merge;

/// <summary>What applying one operation did.</summary>
/// <param name="Changed">Whether the document or its metadata changed (false for a duplicate or fully superseded write).</param>
/// <param name="Conflicts">Concurrent writes met on the way, merged by their strategy or kept for review.</param>
public sealed record MergeOutcome(bool Changed, IReadOnlyList<ConflictRecord> Conflicts);
