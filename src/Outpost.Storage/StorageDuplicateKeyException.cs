namespace Outpost.Storage;

/// <summary>
/// <see cref="IStorageTransaction.InsertAsync"/> found the key already present (in the transaction's view, or, on
/// PostgreSQL, committed by another process). The transaction stays usable.
/// </summary>
public sealed class StorageDuplicateKeyException : StorageException
{
    /// <summary>Creates the exception for a tree and key.</summary>
    public StorageDuplicateKeyException(long tree, byte[] key)
        : base($"Duplicate key in tree {tree}.")
    {
        Tree = tree;
        Key = key;
    }

    /// <summary>Creates the exception (serialization constructor shape; prefer the tree/key one).</summary>
    public StorageDuplicateKeyException() : this(0, [])
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageDuplicateKeyException(string message) : base(message)
    {
        Key = [];
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public StorageDuplicateKeyException(string message, Exception innerException) : base(message, innerException)
    {
        Key = [];
    }

    /// <summary>The tree of the duplicate key.</summary>
    public long Tree { get; }

    /// <summary>The duplicate key.</summary>
    public byte[] Key { get; }
}
