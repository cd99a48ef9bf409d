namespace Outpost.Query.Filters;

/// <summary>
/// What a successful match learned that positional updates (<c>$</c>) and projections need: the index of the
/// array element that satisfied the query (MongoDB's "elemMatchKey").
/// </summary>
public sealed class MatchDetails
{
    /// <summary>Index of the matched element in the first array traversed by a matching predicate; null if none.</summary>
    public int? ArrayIndex { get; set; }

    /// <summary>Clears the details so the object can be reused for the next document.</summary>
    public void Reset() => ArrayIndex = null;
}
