using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>The findAndModify command's fields.</summary>
public sealed class FindAndModifyOptions
{
    /// <summary>Filter selecting the document (query).</summary>
    public BsonDocument Query { get; init; } = [];

    /// <summary>Sort deciding which match is modified first.</summary>
    public BsonDocument? Sort { get; init; }

    /// <summary>Delete the document instead of updating it.</summary>
    public bool Remove { get; init; }

    /// <summary>Operator document, replacement document or pipeline (BsonArray); required unless <see cref="Remove"/>.</summary>
    public BsonValue? Update { get; init; }

    /// <summary>Return the document after the update (new: true) instead of before.</summary>
    public bool ReturnNew { get; init; }

    /// <summary>Projection of the returned document (fields).</summary>
    public BsonDocument? Fields { get; init; }

    /// <summary>Insert when nothing matches.</summary>
    public bool Upsert { get; init; }

    /// <summary>Filters for <c>$[identifier]</c>.</summary>
    public BsonArray? ArrayFilters { get; init; }

    /// <summary>Collation document.</summary>
    public BsonDocument? Collation { get; init; }

    /// <summary>Index hint.</summary>
    public BsonValue? Hint { get; init; }

    /// <summary>Variables (let).</summary>
    public BsonDocument? Let { get; init; }

    /// <summary>Skip the validator.</summary>
    public bool BypassDocumentValidation { get; init; }

    /// <summary>
    /// When set, every document this write stores (inserted, updated or upserted) must match it, else that write fails
    /// with Unauthorized (13); the wire layer sets it for users whose privilege on the namespace is document-restricted.
    /// </summary>
    public DocumentRestriction? Restriction { get; init; }
}
