namespace Outpost.Sync.Protocol;

/// <summary>What the server did with one pushed operation.</summary>
public enum OperationStatus
{
    /// <summary>Merged and written (possibly with conflicts).</summary>
    Applied,

    /// <summary>Already applied earlier: no effect.</summary>
    Duplicate,

    /// <summary>Refused (rules, malformed, or unmergeable); the sequence is consumed so the outbox moves on.</summary>
    Rejected,
}
