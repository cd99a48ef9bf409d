using Outpost.Bson;

namespace Outpost.Query.Filters;

/// <summary>A node of a compiled filter: evaluates against a whole (sub)document.</summary>
internal abstract class MatchNode
{
    public abstract bool Matches(BsonDocument document, MatchDetails? details);

    /// <summary>Adds the top-level field names this node reads; returns false if it needs the whole document.</summary>
    public abstract bool CollectTopLevelFields(HashSet<string> names);
}
