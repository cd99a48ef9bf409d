using Outpost.Bson;

namespace Outpost.Engine.Indexes;

/// <summary>
/// What makes an index of one kind (b-tree, text, 2dsphere, wildcard …): the encoded keys it holds for a document.
/// The engine stores each key (plus the document's encoded _id unless unique) in the index's tree; new kinds only
/// implement this and register in <see cref="IndexKinds"/>.
/// </summary>
internal interface IIndexKind
{
    /// <summary>
    /// Appends the encoded keys for <paramref name="document"/> to <paramref name="keys"/> (deduplicated; none when a
    /// sparse index skips the document). Returns whether a key came from an array (the index becomes multikey).
    /// Throws MongoException 171 for parallel arrays in a compound key.
    /// </summary>
    bool GenerateKeys(BsonDocument document, List<byte[]> keys);

    /// <summary>The field values of <paramref name="key"/> as generated for <paramref name="document"/> (keyValue of E11000), or null.</summary>
    BsonDocument? DescribeKey(BsonDocument document, ReadOnlySpan<byte> key);

    /// <summary>Decodes nothing: the key pattern as given, for explain and listIndexes.</summary>
    BsonDocument KeyPattern { get; }

    /// <summary>Whether the planner may use the index for ordinary comparisons and sorts (b-tree kinds).</summary>
    bool SupportsComparisons { get; }
}
