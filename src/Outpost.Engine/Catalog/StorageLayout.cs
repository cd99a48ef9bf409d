using System.Buffers.Binary;
using System.Text;

namespace Outpost.Engine.Catalog;

/// <summary>
/// Which storage trees hold what. Tree 1 is the catalog (key: "db\0collection", value: catalog BSON), tree 2 holds
/// engine counters and flags; collection and index trees are allocated from the "next-tree" counter.
/// </summary>
internal static class StorageLayout
{
    public const long CatalogTree = 1;
    public const long MetaTree = 2;
    public const long FirstAllocatedTree = 100;

    public static readonly byte[] NextTreeKey = "next-tree"u8.ToArray();

    /// <summary>
    /// Bumped by every catalog change (DDL, an index becoming multikey) in the same transaction, so an engine sharing
    /// the store with other processes (server nodes on one PostgreSQL) can tell its cached catalog is stale.
    /// </summary>
    public static readonly byte[] CatalogVersionKey = "catalog-version"u8.ToArray();

    public static byte[] CatalogKey(string database, string collection) => Encoding.UTF8.GetBytes(database + "\0" + collection);

    public static byte[] DatabasePrefix(string database) => Encoding.UTF8.GetBytes(database + "\0");

    public static byte[] MultikeyKey(long tree)
    {
        var key = new byte[10];
        key[0] = (byte)'m';
        key[1] = (byte)'k';
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(2), tree);
        return key;
    }

    /// <summary>Capped collections: running (count, bytes) so eviction never scans.</summary>
    public static byte[] CappedStatsKey(long naturalTree)
    {
        var key = new byte[10];
        key[0] = (byte)'c';
        key[1] = (byte)'p';
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(2), naturalTree);
        return key;
    }

    public static readonly byte[] MultikeyPrefix = "mk"u8.ToArray();

    public static byte[] Int64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    public static long ReadInt64(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt64BigEndian(bytes);
}
