namespace Outpost.Storage;

/// <summary>Base type of the errors the storage contract defines.</summary>
public class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StorageException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public StorageException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public StorageException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
