namespace Outpost.Query.Filters;

/// <summary>The comparison operators of the query language.</summary>
public enum ComparisonOperator
{
    Eq,
    Gt,
    Gte,
    Lt,
    Lte,
}
