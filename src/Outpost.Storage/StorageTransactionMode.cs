namespace Outpost.Storage;

/// <summary>Whether a storage transaction may write.</summary>
public enum StorageTransactionMode
{
    /// <summary>Reads one consistent snapshot; every write operation throws <see cref="InvalidOperationException"/>.</summary>
    ReadOnly,

    /// <summary>Reads one consistent snapshot and buffers writes that are applied atomically at commit.</summary>
    ReadWrite,
}
