namespace Outpost.Engine;

/// <summary>Options of <see cref="OutpostEngine.StartTransactionAsync"/>.</summary>
public sealed class TransactionOptions
{
    /// <summary>Overrides <see cref="EngineOptions.TransactionLifetimeLimit"/> for this transaction.</summary>
    public TimeSpan? LifetimeLimit { get; init; }

    /// <summary>The logical session id owning the transaction (recorded in change events as lsid).</summary>
    public Outpost.Bson.BsonDocument? Session { get; init; }

    /// <summary>The transaction number of the session (txnNumber), recorded in change events.</summary>
    public long? TxnNumber { get; init; }
}
