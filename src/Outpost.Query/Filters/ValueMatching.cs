using Outpost.Bson;
using Outpost.Query.Sorting;

namespace Outpost.Query.Filters;

/// <summary>Value-level comparison rules shared by $eq/$gt/…/$in: type brackets, null vs missing, NaN, collation.</summary>
internal static class ValueMatching
{
    public static bool Compare(ComparisonOperator op, BsonValue? value, BsonValue query, IComparer<BsonValue> comparer)
    {
        if (query.Type == BsonType.Null)
        {
            // {a: null} matches null and missing, but not undefined (MongoDB 7.0); $gt/$lt null match nothing.
            bool isNull = value is null || value.Type == BsonType.Null;
            return op is ComparisonOperator.Eq or ComparisonOperator.Gte or ComparisonOperator.Lte ? isNull : false;
        }

        if (value is null)
        {
            // Missing compares as null only against MinKey/MaxKey bounds.
            return query.Type switch
            {
                BsonType.MaxKey => op is ComparisonOperator.Lt or ComparisonOperator.Lte,
                BsonType.MinKey => op is ComparisonOperator.Gt or ComparisonOperator.Gte,
                _ => false,
            };
        }

        if (query.Type is not (BsonType.MinKey or BsonType.MaxKey) &&
            BsonComparer.GetBracket(value.Type) != BsonComparer.GetBracket(query.Type))
        {
            return false;
        }

        if (IsNaN(query) || IsNaN(value))
        {
            bool both = IsNaN(query) && IsNaN(value);
            return both && (op is ComparisonOperator.Eq or ComparisonOperator.Gte or ComparisonOperator.Lte);
        }

        int c = comparer.Compare(value, query);
        return op switch
        {
            ComparisonOperator.Eq => c == 0,
            ComparisonOperator.Gt => c > 0,
            ComparisonOperator.Gte => c >= 0,
            ComparisonOperator.Lt => c < 0,
            _ => c <= 0,
        };
    }

    public static bool IsNaN(BsonValue v) => v switch
    {
        BsonDouble d => double.IsNaN(d.Value),
        BsonDecimal128 m => m.Value.IsNaN,
        _ => false,
    };

    public static IComparer<BsonValue> ComparerFor(QueryContext context) =>
        context.Collation is { IsSimple: false } c ? c.ValueComparer : BsonComparer.Instance;

    public static Collation? CollationOf(QueryContext context) => context.Collation is { IsSimple: false } c ? c : null;
}
