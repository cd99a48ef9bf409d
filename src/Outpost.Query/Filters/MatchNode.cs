using Outpost.Bson;

namespace Outpost.Query.Filters;

/// <summary>A node of a compiled filter: evaluates against a whole (sub)document, materialized or read in place.</summary>
internal abstract class MatchNode
{
    public abstract bool Matches(BsonDocument document, MatchDetails? details);

    /// <summary>
    /// Evaluates against encoded bytes. Nodes that can read in place override this; the default decodes the document
    /// (only nodes that need all of it, such as $expr and $jsonSchema, keep the default).
    /// </summary>
    public virtual bool Matches(BsonDocumentView document, MatchDetails? details) => Matches(document.ToBsonDocument(), details);

    /// <summary>Adds the top-level field names this node reads; returns false if it needs the whole document.</summary>
    public abstract bool CollectTopLevelFields(HashSet<string> names);
}
