using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Commands;
using Outpost.Wire.Transport;

namespace Outpost.Wire.Sessions;

/// <summary>
/// Logical-session semantics around every command: the engine's <see cref="OperationContext"/> (lsid, transaction,
/// deadline, comment), transactions (startTransaction / autocommit:false / txnNumber), and retryable writes
/// (a write retried with the same lsid + txnNumber returns the first reply and is applied once).
/// </summary>
public sealed class SessionInterceptor(OutpostEngine engine, SessionTable sessions) : ICommandInterceptor
{
    /// <inheritdoc />
    public async ValueTask<BsonDocument> RunAsync(CommandSpec spec, CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        var command = context.Command;
        long maxTimeMS = spec.Name == "getMore" ? 0 : CommandArgs.GetInt64(command, "maxTimeMS");
        DateTime? deadline = maxTimeMS > 0 ? DateTime.UtcNow.AddMilliseconds(maxTimeMS) : null;
        command.TryGetValue("comment", out var comment);
        if (!command.TryGetValue("lsid", out var lsidValue) || lsidValue is not BsonDocument lsid)
        {
            context.Operation = new OperationContext { Deadline = deadline, Comment = comment };
            return await spec.Handler(context).ConfigureAwait(false);
        }
        var session = sessions.GetOrCreate(lsid);
        context.Session = session;
        if (!command.TryGetValue("txnNumber", out var txnValue) || !txnValue.IsNumeric)
        {
            context.Operation = new OperationContext { Session = lsid, Deadline = deadline, Comment = comment };
            return await spec.Handler(context).ConfigureAwait(false);
        }
        long txnNumber = txnValue.ToInt64();
        bool inTransaction = command.TryGetValue("autocommit", out var ac) && ac.IsBoolean && !ac.AsBoolean;
        await EnterSessionAsync(session, inTransaction && !CommandArgs.GetBool(command, "startTransaction") ? txnNumber : -1, context.CancellationToken).ConfigureAwait(false);
        try
        {
            if (txnNumber < session.TxnNumber)
            {
                throw new MongoException(225, "TransactionTooOld", $"Cannot start transaction {txnNumber} on session because a newer transaction {session.TxnNumber} has already started");
            }
            return inTransaction
                ? await RunInTransactionAsync(spec, context, session, lsid, txnNumber, deadline, comment).ConfigureAwait(false)
                : await RunRetryableAsync(spec, context, session, lsid, txnNumber, deadline, comment).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    // How long a command of a transaction that has not started yet waits for its startTransaction command.
    private static readonly TimeSpan StartGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Takes the session's gate. A command that continues transaction <paramref name="continuesTxn"/> (no
    /// startTransaction) may overtake the command that starts it: drivers send a transaction's first operations
    /// concurrently over different pooled connections (Mongoose code does <c>Promise.all</c> of two finds in a new
    /// transaction), and the server's per-connection readers run in any order. mongod serves each connection on its own
    /// thread at once, so there the start virtually always wins; here the command waits briefly for the start before it
    /// is judged, instead of failing with NoSuchTransaction.
    /// </summary>
    private static async ValueTask EnterSessionAsync(ServerSession session, long continuesTxn, CancellationToken cancellationToken)
    {
        var waitUntil = DateTime.UtcNow + StartGrace;
        while (true)
        {
            await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (continuesTxn <= session.TxnNumber || DateTime.UtcNow >= waitUntil) return;
            session.Gate.Release();
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask<BsonDocument> RunInTransactionAsync(CommandSpec spec, CommandContext context, ServerSession session, BsonDocument lsid,
        long txnNumber, DateTime? deadline, BsonValue? comment)
    {
        bool start = CommandArgs.GetBool(context.Command, "startTransaction");
        if (start)
        {
            if (txnNumber == session.TxnNumber && session.State != TransactionState.None)
            {
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Transaction {txnNumber} has already been started on this session");
            }
            await session.AbortTransactionAsync().ConfigureAwait(false);
            session.TxnNumber = txnNumber;
            session.Transaction = await engine.StartTransactionAsync(new TransactionOptions { Session = lsid, TxnNumber = txnNumber }, context.CancellationToken).ConfigureAwait(false);
            session.State = TransactionState.InProgress;
            session.RetryableReply = null;
        }
        else
        {
            if (txnNumber != session.TxnNumber || session.State == TransactionState.None)
            {
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Given transaction number {txnNumber} does not match any in-progress transactions.");
            }
            bool isCommitOrAbort = spec.Name is "commitTransaction" or "abortTransaction";
            if (session.State == TransactionState.Aborted && !isCommitOrAbort)
            {
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Transaction {txnNumber} has been aborted.");
            }
            if (session.State == TransactionState.Committed && !isCommitOrAbort)
            {
                throw new MongoException(ErrorCodes.TransactionCommitted, $"Transaction {txnNumber} has been committed.");
            }
        }
        context.Operation = new OperationContext { Session = lsid, Transaction = session.Transaction, Deadline = deadline, Comment = comment };
        try
        {
            return await spec.Handler(context).ConfigureAwait(false);
        }
        catch (MongoException) when (session.State == TransactionState.InProgress && spec.Name is not ("commitTransaction" or "abortTransaction"))
        {
            // As in MongoDB, a command error inside a transaction aborts it; the driver retries the whole transaction.
            await session.AbortTransactionAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask<BsonDocument> RunRetryableAsync(CommandSpec spec, CommandContext context, ServerSession session, BsonDocument lsid,
        long txnNumber, DateTime? deadline, BsonValue? comment)
    {
        context.Operation = new OperationContext { Session = lsid, Deadline = deadline, Comment = comment };
        if (!spec.IsWrite) return await spec.Handler(context).ConfigureAwait(false);
        if (txnNumber == session.RetryableTxnNumber && session.RetryableReply is not null)
        {
            if (session.RetryableCommand != spec.Name)
            {
                throw new MongoException(217, "IncompatibleWithUpgradedServer", $"txnNumber {txnNumber} was used by a {session.RetryableCommand} and cannot be reused by {spec.Name}");
            }
            var cached = session.RetryableReply.DeepClone();
            cached.Remove("$clusterTime");
            cached.Remove("operationTime");
            return cached;
        }
        if (session.State == TransactionState.InProgress) await session.AbortTransactionAsync().ConfigureAwait(false);
        session.TxnNumber = txnNumber;
        session.State = TransactionState.None;
        var reply = await spec.Handler(context).ConfigureAwait(false);
        session.RetryableTxnNumber = txnNumber;
        session.RetryableCommand = spec.Name;
        session.RetryableReply = reply.DeepClone();
        return reply;
    }

    /// <inheritdoc />
    public void OnConnectionClosed(WireConnection connection)
    {
        // Sessions outlive connections (drivers pool them), so nothing is released here.
    }
}
