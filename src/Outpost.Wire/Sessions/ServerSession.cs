using Outpost.Bson;
using Outpost.Engine;

namespace Outpost.Wire.Sessions;

/// <summary>
/// The server side of a logical session (lsid): its transaction number, open transaction, and the reply of the last
/// retryable write so that a retry with the same txnNumber returns that reply instead of writing again.
/// </summary>
public sealed class ServerSession(BsonDocument lsid)
{
    /// <summary>The lsid document ({id: UUID}).</summary>
    public BsonDocument Lsid { get; } = lsid;

    /// <summary>One command at a time per session.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Last use, as a TimeProvider timestamp (sessions expire after logicalSessionTimeoutMinutes).</summary>
    public long LastUsed { get; set; }

    /// <summary>The highest txnNumber seen.</summary>
    public long TxnNumber { get; set; } = -1;

    /// <summary>The state of the transaction numbered <see cref="TxnNumber"/>.</summary>
    public TransactionState State { get; set; }

    /// <summary>The open engine transaction when <see cref="State"/> is InProgress (kept after commit for retried commits).</summary>
    public EngineTransaction? Transaction { get; set; }

    /// <summary>Retryable writes: the reply of the write with txnNumber <see cref="RetryableTxnNumber"/>.</summary>
    public BsonDocument? RetryableReply { get; set; }

    /// <summary>The txnNumber whose reply is cached.</summary>
    public long RetryableTxnNumber { get; set; } = -1;

    /// <summary>The command name of the cached retryable write (a retry must be the same command).</summary>
    public string? RetryableCommand { get; set; }

    /// <summary>Aborts the open transaction, if any.</summary>
    public async ValueTask AbortTransactionAsync()
    {
        var txn = Transaction;
        Transaction = null;
        if (State == TransactionState.InProgress) State = TransactionState.Aborted;
        if (txn is not null && txn.IsActive)
        {
            try
            {
                await txn.AbortAsync().ConfigureAwait(false);
            }
            catch (MongoException)
            {
                // Already aborted by the engine (lifetime limit, write conflict): nothing more to undo.
            }
        }
    }
}
