using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>$eq, $gt, $gte, $lt, $lte on a path.</summary>
internal sealed class ComparisonMatcher(FieldPath? path, ComparisonOperator op, BsonValue value, IComparer<BsonValue> comparer)
    : LeafMatcher(path)
{
    private readonly bool _simpleCollation = ReferenceEquals(comparer, BsonComparer.Instance);

    public ComparisonOperator Operator { get; } = op;
    public BsonValue Value { get; } = value;

    public override bool MatchesValue(BsonValue? candidate) => ValueMatching.Compare(Operator, candidate, Value, comparer);

    public override bool MatchesView(BsonValueView candidate) =>
        ValueMatching.CompareView(Operator, candidate, Value, _simpleCollation) ?? MatchesValue(candidate.ToBsonValue());
}
