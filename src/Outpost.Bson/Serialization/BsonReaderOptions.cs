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

    /// <summary>
    /// Whether nested documents and arrays are built on first use (the default) rather than during decoding. Either way
    /// the whole input is validated before decoding returns. Lazy is cheaper when only part of a document is read or the
    /// document is re-encoded unchanged; eager is cheaper (one pass instead of validate-then-build) when every nested
    /// value will be read anyway.
    /// </summary>
    public bool LazyContainers { get; init; } = true;

    /// <summary>Defaults with <see cref="LazyContainers"/> off: for callers that read every value of what they decode.</summary>
    public static BsonReaderOptions Eager { get; } = new() { LazyContainers = false };
}
