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

    /// <summary>
    /// <see cref="Compare"/> on a present value read in place: the decision when it can be made on the bytes (type
    /// brackets, null, NaN, numbers, strings under the simple collation, dates, ObjectIds, booleans), otherwise null
    /// and the caller decodes the value.
    /// </summary>
    public static bool? CompareView(ComparisonOperator op, BsonValueView value, BsonValue query, bool simpleCollation)
    {
        var queryType = query.Type;
        if (queryType == BsonType.Null)
        {
            return op is ComparisonOperator.Eq or ComparisonOperator.Gte or ComparisonOperator.Lte && value.Type == BsonType.Null;
        }

        if (queryType is BsonType.MinKey or BsonType.MaxKey)
        {
            return null;
        }

        if (BsonComparer.GetBracket(value.Type) != BsonComparer.GetBracket(queryType))
        {
            return false;
        }

        switch (value.Type)
        {
            case BsonType.Decimal128:
                return null; // may be NaN; the full comparison handles it
            case BsonType.Double when double.IsNaN(value.AsDouble):
                return IsNaN(query) && (op is ComparisonOperator.Eq or ComparisonOperator.Gte or ComparisonOperator.Lte);
            case BsonType.String or BsonType.Symbol when !simpleCollation:
                return null;
        }

        if (IsNaN(query) || !BsonComparer.TryCompare(value, query, out int c))
        {
            return null;
        }

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
