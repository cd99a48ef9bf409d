using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>Value comparison under the operation's collation (strings compare by the locale when one is set).</summary>
internal static class Collate
{
    public static int Compare(BsonValue a, BsonValue b, QueryContext context)
    {
        if (context.Collation is { IsSimple: false } collation && !Values.IsMissing(a) && !Values.IsMissing(b))
        {
            return collation.ValueComparer.Compare(a, b);
        }

        return Values.Compare(a, b);
    }

    public static bool Equal(BsonValue a, BsonValue b, QueryContext context) => Compare(a, b, context) == 0;
}
