using Outpost.Bson;

namespace Outpost.Query;

/// <summary>What an expression is evaluated against: $$ROOT/$$CURRENT and the variables in scope.</summary>
public sealed partial class ExpressionScope
{
    public ExpressionScope(BsonDocument root, QueryContext context)
    {
        Root = root;
        Context = context;
    }

    public BsonDocument Root { get; }
    public QueryContext Context { get; }
}
