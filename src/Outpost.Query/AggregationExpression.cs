using Outpost.Bson;
using Outpost.Query.Expressions;

namespace Outpost.Query;

/// <summary>
/// A compiled aggregation expression (<c>"$field"</c>, <c>{ $add: [...] }</c>, literals, …). Compile once, evaluate many:
/// the spec is parsed and validated up front (MongoDB's parse-time errors), evaluation only walks the node tree.
/// A missing result (e.g. a path that does not exist, or <c>$$REMOVE</c>) is returned as <see cref="BsonUndefined.Value"/>;
/// callers that build documents omit such fields, see <see cref="IsMissing"/>.
/// </summary>
public abstract partial class AggregationExpression
{
    /// <summary>Compiles an expression; throws <see cref="MongoException"/> with MongoDB's code when it is invalid.</summary>
    public static AggregationExpression Compile(BsonValue spec, QueryContext context)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        return ExpressionCompiler.Compile(spec, new CompileContext(context));
    }

    /// <summary>
    /// Evaluates a command's <c>let</c> document (its values are expressions, e.g. <c>{ $rand: {} }</c> or
    /// <c>{ $literal: "$x" }</c>) once, giving the constants to put in <see cref="QueryContext.Variables"/>.
    /// Earlier variables are visible to later ones, as in MongoDB.
    /// </summary>
    public static BsonDocument EvaluateVariables(BsonDocument let, QueryContext context)
    {
        ArgumentNullException.ThrowIfNull(let);
        ArgumentNullException.ThrowIfNull(context);
        var result = new BsonDocument(let.ElementCount);
        foreach (var e in let)
        {
            ExpressionCompiler.ValidateVariableName(e.Name);
            var scoped = new QueryContext
            {
                Collation = context.Collation, Variables = result, Now = context.Now, ClusterTime = context.ClusterTime,
            };
            var value = Compile(e.Value, scoped).Evaluate(new ExpressionScope([], scoped));
            result.Add(e.Name, IsMissing(value) ? BsonNull.Value : value);
        }

        return result;
    }

    /// <summary>Evaluates against a scope whose root is the current document.</summary>
    public abstract BsonValue Evaluate(ExpressionScope scope);

    /// <summary>Evaluates with <paramref name="root"/> as <c>$$ROOT</c> and <c>$$CURRENT</c>.</summary>
    public BsonValue Evaluate(BsonDocument root, QueryContext context) => Evaluate(new ExpressionScope(root, context));

    /// <summary>Whether an evaluation result means "missing" (the field should be left out).</summary>
    public static bool IsMissing(BsonValue value) => value is null || value.Type == BsonType.Undefined;

    /// <summary>True when this node is a constant (its value does not depend on the document).</summary>
    internal virtual bool IsConstant => false;
}
