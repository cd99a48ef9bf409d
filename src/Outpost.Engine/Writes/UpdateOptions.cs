using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>Options of <see cref="Collection.UpdateAsync"/>.</summary>
public sealed class UpdateOptions
{
    /// <summary>Shared default options.</summary>
    public static UpdateOptions Default { get; } = new();

    /// <summary>Ordered: stop at the first failing statement.</summary>
    public bool Ordered { get; init; } = true;

    /// <summary>Skip the collection's validator.</summary>
    public bool BypassDocumentValidation { get; init; }

    /// <summary>Variables (<c>let</c>) visible as <c>$$name</c> in filters and pipeline updates.</summary>
    public BsonDocument? Let { get; init; }

    /// <summary>
    /// When set, every document this write stores (inserted, updated or upserted) must match it, else that write fails
    /// with Unauthorized (13); the wire layer sets it for users whose privilege on the namespace is document-restricted.
    /// </summary>
    public DocumentRestriction? Restriction { get; init; }
}
