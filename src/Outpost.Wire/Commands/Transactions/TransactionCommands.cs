using Outpost.Bson;
using Outpost.Wire.Auth;
using Outpost.Wire.Sessions;

namespace Outpost.Wire.Commands.Transactions;

/// <summary>commitTransaction, abortTransaction, and the session commands: startSession, refreshSessions, endSessions, killSessions, killAllSessions.</summary>
public sealed class TransactionCommands(EngineServices services) : ICommandFamily
{
    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("commitTransaction", CommitAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("abortTransaction", AbortAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("startSession", StartSession, Privilege.Authenticated));
        registry.Add(new CommandSpec("refreshSessions", Refresh, Privilege.Authenticated));
        registry.Add(new CommandSpec("endSessions", EndSessionsAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("killSessions", KillSessionsAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("killAllSessions", KillAllSessionsAsync, Privilege.Authenticated));
        registry.Add(new CommandSpec("killAllSessionsByPattern", KillAllSessionsAsync, Privilege.Cluster));
    }

    private static ServerSession RequireTransactionSession(CommandContext context)
    {
        if (context.Session is null || !context.Command.Contains("txnNumber"))
        {
            throw new MongoException(ErrorCodes.InvalidOptions, $"{context.Name} must be run within a transaction");
        }
        if (context.Database != "admin") throw new MongoException(ErrorCodes.Unauthorized, $"{context.Name} may only be run against the admin database.");
        return context.Session;
    }

    private static async ValueTask<BsonDocument> CommitAsync(CommandContext context)
    {
        var session = RequireTransactionSession(context);
        switch (session.State)
        {
            case TransactionState.Committed:
                return []; // A retried commit of a committed transaction succeeds again.
            case TransactionState.Aborted:
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Transaction {session.TxnNumber} has been aborted.");
            case TransactionState.InProgress:
                try
                {
                    await session.Transaction!.CommitAsync(context.CancellationToken).ConfigureAwait(false);
                }
                catch (MongoException e) when (e.Code != ErrorCodes.MaxTimeMSExpired)
                {
                    session.State = TransactionState.Aborted;
                    session.Transaction = null;
                    throw;
                }
                session.State = TransactionState.Committed;
                return [];
            default:
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Given transaction number {session.TxnNumber} does not match any in-progress transactions.");
        }
    }

    private static async ValueTask<BsonDocument> AbortAsync(CommandContext context)
    {
        var session = RequireTransactionSession(context);
        switch (session.State)
        {
            case TransactionState.Committed:
                throw new MongoException(ErrorCodes.TransactionCommitted, $"Transaction {session.TxnNumber} has been committed.");
            case TransactionState.Aborted:
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Transaction {session.TxnNumber} has been aborted.");
            case TransactionState.InProgress:
                await session.AbortTransactionAsync().ConfigureAwait(false);
                return [];
            default:
                throw new MongoException(ErrorCodes.NoSuchTransaction, $"Given transaction number {session.TxnNumber} does not match any in-progress transactions.");
        }
    }

    private static ValueTask<BsonDocument> StartSession(CommandContext context) => ValueTask.FromResult(new BsonDocument
    {
        { "id", new BsonDocument("id", BsonBinary.FromGuid(Guid.NewGuid())) },
        { "timeoutMinutes", 30 },
    });

    private ValueTask<BsonDocument> Refresh(CommandContext context)
    {
        foreach (var lsid in Lsids(context.Argument)) services.Sessions.GetOrCreate(lsid);
        return ValueTask.FromResult(new BsonDocument());
    }

    private async ValueTask<BsonDocument> EndSessionsAsync(CommandContext context)
    {
        var ids = Lsids(context.Argument).Select(l => l["id"]).ToList();
        await services.Sessions.EndAsync(ids).ConfigureAwait(false);
        await services.Cursors.KillSessionCursorsAsync(ids).ConfigureAwait(false);
        return [];
    }

    private async ValueTask<BsonDocument> KillSessionsAsync(CommandContext context)
    {
        var ids = Lsids(context.Argument).Select(l => l["id"]).ToList();
        await services.Sessions.EndAsync(ids).ConfigureAwait(false);
        await services.Cursors.KillSessionCursorsAsync(ids).ConfigureAwait(false);
        return [];
    }

    private async ValueTask<BsonDocument> KillAllSessionsAsync(CommandContext context)
    {
        await services.Sessions.EndAllAsync().ConfigureAwait(false);
        await services.Cursors.KillSessionCursorsAsync(null).ConfigureAwait(false);
        return [];
    }

    private static List<BsonDocument> Lsids(BsonValue argument)
    {
        var list = new List<BsonDocument>();
        if (argument is BsonArray array)
        {
            foreach (var v in array)
            {
                if (v is BsonDocument d && d.Contains("id")) list.Add(d);
            }
        }
        return list;
    }
}
