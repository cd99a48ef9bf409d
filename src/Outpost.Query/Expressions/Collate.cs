using Outpost.Bson;

namespace Outpost.Query.Expressions;

/// <summary>
/// Value comparison under the operation's collation. Only the simple collation is implemented here; a locale collation
/// (owned by the sort work) is applied once <c>Collation</c> exposes a string comparer.
/// </summary>
internal static class Collate
{
    public static int Compare(BsonValue a, BsonValue b, QueryContext context) => Values.Compare(a, b);

    public static bool Equal(BsonValue a, BsonValue b, QueryContext context) => Values.Compare(a, b) == 0;
}
