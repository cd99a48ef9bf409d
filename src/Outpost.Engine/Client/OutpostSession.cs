using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// A logical session (<c>lsid</c>) that can run one transaction at a time. Pass it to collection methods to read and
/// write inside its transaction; <see cref="WithTransactionAsync{TResult}"/> runs a callback in a transaction and
/// retries the whole callback on TransientTransactionError (write conflicts), as the driver does.
/// </summary>
public sealed class OutpostSession : IAsyncDisposable
{
    private readonly OutpostEngine _engine;
    private EngineTransaction? _transaction;
    private long _txnNumber;

    internal OutpostSession(OutpostEngine engine)
    {
        _engine = engine;
        Id = new BsonDocument("id", Guid.NewGuid());
    }

    /// <summary>The session id document (<c>{ id: UUID }</c>).</summary>
    public BsonDocument Id { get; }

    /// <summary>True between StartTransaction and Commit/Abort.</summary>
    public bool IsInTransaction => _transaction?.IsActive == true;

    /// <summary>How many times <see cref="WithTransactionAsync{TResult}"/> retries a transient failure (default 10).</summary>
    public int MaxTransactionAttempts { get; init; } = 10;

    internal OperationContext Context => new() { Session = Id, Transaction = IsInTransaction ? _transaction : null };

    /// <summary>Starts a transaction (snapshot reads, writes visible to others only at commit).</summary>
    public async Task StartTransactionAsync(CancellationToken cancellationToken = default)
    {
        if (IsInTransaction) throw new InvalidOperationException("A transaction is already in progress on this session.");
        _transaction = await _engine.StartTransactionAsync(new TransactionOptions { Session = Id, TxnNumber = ++_txnNumber }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Commits the transaction atomically.</summary>
    public async Task CommitTransactionAsync(CancellationToken cancellationToken = default)
    {
        var transaction = _transaction ?? throw new InvalidOperationException("No transaction was started.");
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _transaction = null;
    }

    /// <summary>Discards the transaction's writes.</summary>
    public async Task AbortTransactionAsync(CancellationToken cancellationToken = default)
    {
        var transaction = _transaction;
        _transaction = null;
        if (transaction is not null) await transaction.AbortAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="callback"/> in a transaction and commits; on an error labelled TransientTransactionError
    /// (write conflict, expired transaction) aborts and runs the callback again, up to <see cref="MaxTransactionAttempts"/>.
    /// Any other error aborts and is rethrown.
    /// </summary>
    public async Task<TResult> WithTransactionAsync<TResult>(Func<OutpostSession, CancellationToken, Task<TResult>> callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        for (var attempt = 1; ; attempt++)
        {
            await StartTransactionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await callback(this, cancellationToken).ConfigureAwait(false);
                await CommitTransactionAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (MongoException e) when (e.HasLabel("TransientTransactionError") && attempt < MaxTransactionAttempts)
            {
                await AbortTransactionAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await AbortTransactionAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Runs <paramref name="callback"/> in a transaction (see the generic overload).</summary>
    public Task WithTransactionAsync(Func<OutpostSession, CancellationToken, Task> callback, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return WithTransactionAsync<bool>(async (s, ct) =>
        {
            await callback(s, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>Aborts an unfinished transaction.</summary>
    public async ValueTask DisposeAsync() => await AbortTransactionAsync(CancellationToken.None).ConfigureAwait(false);
}
