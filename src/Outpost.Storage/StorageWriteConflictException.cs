namespace Outpost.Storage;

/// <summary>
/// The transaction wrote a key that another transaction committed after this one's snapshot was taken (or the
/// database reported a serialization failure or deadlock). The transaction is finished: nothing was applied.
/// Retrying the whole transaction may succeed; the engine maps this to MongoDB code 112 + TransientTransactionError.
/// </summary>
public sealed class StorageWriteConflictException : StorageException
{
    /// <summary>Creates the exception.</summary>
    public StorageWriteConflictException() : base("Write conflict: another transaction committed a write to the same key after this transaction's snapshot.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageWriteConflictException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StorageWriteConflictException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
