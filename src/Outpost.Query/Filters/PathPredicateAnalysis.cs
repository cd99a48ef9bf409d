using Outpost.Bson;

namespace Outpost.Query.Filters;

/// <summary>What the top-level conjunction of a filter says about one path (for index selection).</summary>
public sealed class PathPredicateAnalysis
{
    internal PathPredicateAnalysis(string path) => Path = path;

    public string Path { get; }

    /// <summary>The value of an equality predicate ({a: v} or $eq), if any (not for regex/array/null equality semantics).</summary>
    public BsonValue? Equality { get; internal set; }

    public BsonValue? LowerBound { get; internal set; }
    public bool LowerInclusive { get; internal set; }
    public BsonValue? UpperBound { get; internal set; }
    public bool UpperInclusive { get; internal set; }

    /// <summary>The values of an $in predicate, if any.</summary>
    public IReadOnlyList<BsonValue>? In { get; internal set; }

    /// <summary>$exists: true / false, if present.</summary>
    public bool? Exists { get; internal set; }

    /// <summary>A regex predicate (prefix-anchored ones can use an index range).</summary>
    public BsonRegularExpression? Regex { get; internal set; }

    /// <summary>Whether other predicates ($elemMatch, $type, $not, …) also constrain this path (so the index gives a superset).</summary>
    public bool HasOtherPredicates { get; internal set; }
}
