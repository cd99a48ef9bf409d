using Outpost.Bson;

namespace Outpost.Query;

/// <summary>
/// A compiled aggregation expression (<c>"$field"</c>, <c>{ $add: [...] }</c>, literals, …).
/// Stub: implemented by the aggregation work.
/// </summary>
public abstract partial class AggregationExpression
{
    /// <summary>Compiles an expression; throws <see cref="MongoException"/> with MongoDB's code when it is invalid.</summary>
    public static AggregationExpression Compile(BsonValue spec, QueryContext context) => throw new NotImplementedException();

    /// <summary>Evaluates against a scope whose root is the current document.</summary>
    public abstract BsonValue Evaluate(ExpressionScope scope);
}
