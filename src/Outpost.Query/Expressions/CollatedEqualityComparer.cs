using Outpost.Bson;
using Outpost.Query.Sorting;

namespace Outpost.Query.Expressions;

/// <summary>
/// Equality of values under a collation, for $group keys and $addToSet: strings hash by their collation key, containers by
/// their type only (still correct, since equality is decided by the collated comparer).
/// </summary>
internal sealed class CollatedEqualityComparer(Collation collation) : IEqualityComparer<BsonValue>
{
    private readonly IComparer<BsonValue> _comparer = collation.ValueComparer;

    /// <summary>The comparer for a context: MongoDB equality for the simple collation.</summary>
    public static IEqualityComparer<BsonValue> For(QueryContext context) =>
        context.Collation is { IsSimple: false } c ? new CollatedEqualityComparer(c) : BsonComparer.Instance;

    public bool Equals(BsonValue? x, BsonValue? y) => x is null ? y is null : y is not null && _comparer.Compare(x, y) == 0;

    public int GetHashCode(BsonValue obj) => obj switch
    {
        BsonString s => StringComparer.Ordinal.GetHashCode(collation.GetComparisonKey(s.Value)),
        BsonSymbol s => StringComparer.Ordinal.GetHashCode(collation.GetComparisonKey(s.Name)),
        BsonDocument or BsonArray => (int)obj.Type,
        _ => BsonComparer.Instance.GetHashCode(obj),
    };
}
