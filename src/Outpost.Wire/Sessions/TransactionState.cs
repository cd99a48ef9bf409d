namespace Outpost.Wire.Sessions;

/// <summary>Where a session's current transaction number stands.</summary>
public enum TransactionState
{
    /// <summary>No multi-document transaction for the current txnNumber.</summary>
    None,
    /// <summary>Started and open.</summary>
    InProgress,
    /// <summary>Committed (a retried commit succeeds again).</summary>
    Committed,
    /// <summary>Aborted (explicitly, by an error, or by the lifetime limit).</summary>
    Aborted,
}
