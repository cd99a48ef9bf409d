using Outpost.Bson;
using Outpost.Query;

namespace Outpost.Engine;

/// <summary>
/// A filter every document a write produces must match (Outpost's document-restricted privileges, decision 026):
/// each inserted document, each update's result and each upserted document is checked inside the write, before it
/// reaches storage, and a document that does not match fails that write with Unauthorized (13) — a per-document write
/// error, as a validator failure is. The filter is compiled once per command.
/// </summary>
public sealed class DocumentRestriction
{
    private readonly QueryFilter _compiled;

    /// <summary>Compiles <paramref name="filter"/> for writes to <paramref name="ns"/>.</summary>
    public DocumentRestriction(string ns, BsonDocument filter)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(filter);
        Namespace = ns;
        Filter = filter;
        _compiled = QueryFilter.Compile(filter);
    }

    /// <summary>"db.collection" the restriction applies to (named in error messages).</summary>
    public string Namespace { get; }

    /// <summary>The query filter a written document must match.</summary>
    public BsonDocument Filter { get; }

    /// <summary>True when <paramref name="document"/> matches the filter.</summary>
    public bool Matches(BsonDocument document) => _compiled.Matches(document);

    /// <summary>Throws Unauthorized (13) when <paramref name="document"/> does not match the filter.</summary>
    /// <param name="document">The document about to be written.</param>
    /// <param name="what">"inserted", "updated" or "upserted", for the message.</param>
    public void Check(BsonDocument document, string what)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (_compiled.Matches(document)) return;
        var id = document.TryGetValue("_id", out var v) ? v : BsonNull.Value;
        throw new MongoException(ErrorCodes.Unauthorized,
            $"not authorized on {Namespace}: the {what} document (_id {id}) is outside the documents the user's privileges allow (outpostFilter {Filter})");
    }
}
