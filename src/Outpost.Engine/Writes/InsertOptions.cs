namespace Outpost.Engine;

/// <summary>Options of <see cref="Collection.InsertAsync"/>.</summary>
public sealed class InsertOptions
{
    /// <summary>Shared default options (ordered, validated).</summary>
    public static InsertOptions Default { get; } = new();

    /// <summary>Ordered: stop at the first error. Unordered: attempt every document, report every error.</summary>
    public bool Ordered { get; init; } = true;

    /// <summary>Skip the collection's validator.</summary>
    public bool BypassDocumentValidation { get; init; }

    /// <summary>
    /// When set, every document this write stores (inserted, updated or upserted) must match it, else that write fails
    /// with Unauthorized (13); the wire layer sets it for users whose privilege on the namespace is document-restricted.
    /// </summary>
    public DocumentRestriction? Restriction { get; init; }
}
