using Outpost.Bson;

namespace Outpost.Query.Tests.Expressions;

public abstract class ExpressionTestBase
{
    internal static readonly QueryContext Context = new() { Now = new DateTime(2024, 1, 15, 10, 30, 0, DateTimeKind.Utc) };

    internal static BsonValue Eval(string expression, string document = "{}")
    {
        var compiled = AggregationExpression.Compile(AggJson.Value(expression), Context);
        return compiled.Evaluate(new ExpressionScope(AggJson.Doc(document), Context));
    }

    protected static void Check(string expression, string document, string expected) =>
        BsonAssert.Equal(AggJson.Value(expected), Eval(expression, document));

    protected static void CheckError(string expression, string document, int code)
    {
        var ex = Assert.Throws<MongoException>(() => Eval(expression, document));
        Assert.Equal(code, ex.Code);
    }
}
