namespace Outpost.Storage;

/// <summary>One key/value pair returned by a scan. The arrays belong to the caller.</summary>
public readonly record struct StorageEntry(byte[] Key, byte[] Value);
