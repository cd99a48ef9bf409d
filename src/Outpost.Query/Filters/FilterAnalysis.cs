using Outpost.Query.Geo;

namespace Outpost.Query.Filters;

/// <summary>
/// A read-only summary of a filter's top-level predicates for the engine's planner: per path, the equality value,
/// range bounds, $in list and $exists; whether the filter is a pure conjunction; and the $text / $near parts the engine
/// must evaluate itself.
/// </summary>
public sealed class FilterAnalysis
{
    internal FilterAnalysis(Dictionary<string, PathPredicateAnalysis> paths, bool isConjunction, TextQuery? text, NearQuery? near, bool hasOr)
    {
        Paths = paths;
        IsConjunction = isConjunction;
        Text = text;
        Near = near;
        HasOr = hasOr;
    }

    /// <summary>Predicates of the top-level conjunction, by dotted path.</summary>
    public IReadOnlyDictionary<string, PathPredicateAnalysis> Paths { get; }

    /// <summary>True when the filter is only an AND of path predicates (no $or/$nor/$expr/$where/$jsonSchema at top level).</summary>
    public bool IsConjunction { get; }

    /// <summary>Whether a top-level $or is present (the planner may union index scans).</summary>
    public bool HasOr { get; }

    public TextQuery? Text { get; }

    public NearQuery? Near { get; }
}
