namespace Outpost.Bson.Serialization;

/// <summary>Limits applied while decoding untrusted BSON.</summary>
public sealed record BsonReaderOptions
{
    /// <summary>The defaults: 16 MiB documents, 100 levels of nesting.</summary>
    public static BsonReaderOptions Default { get; } = new();

    /// <summary>Largest accepted top-level document in bytes (MongoDB's limit is 16 MiB).</summary>
    public int MaxDocumentSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Deepest accepted nesting; the top-level document is level 1, each embedded document/array adds one.</summary>
    public int MaxDepth { get; init; } = 100;
}
