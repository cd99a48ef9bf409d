using System.Linq.Expressions;

namespace Outpost.Engine.Client;

/// <summary>Turns a member-access expression (<c>x =&gt; x.Address.City</c>) into a dotted element path.</summary>
internal static class FieldPath
{
    public static string Of(LambdaExpression selector, BsonMapper mapper) => Of(selector.Body, mapper)
        ?? throw new NotSupportedException($"'{selector}' is not a member access on the document (expected x => x.Member or x => x.A.B).");

    /// <summary>The element path when <paramref name="expression"/> is a member chain on the lambda parameter, else null.</summary>
    public static string? Of(Expression expression, BsonMapper mapper)
    {
        expression = StripConvert(expression);
        if (expression is MemberExpression { Member.Name: "Value", Expression: { } nullable } && Nullable.GetUnderlyingType(nullable.Type) is not null)
            expression = StripConvert(nullable);
        var names = new List<string>();
        while (expression is MemberExpression member && member.Expression is not null)
        {
            names.Add(mapper.ElementName(member.Expression.Type, member.Member.Name));
            expression = StripConvert(member.Expression);
        }

        if (expression is not ParameterExpression || names.Count == 0) return null;
        names.Reverse();
        return string.Join('.', names);
    }

    public static Expression StripConvert(Expression expression)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert)
            expression = convert.Operand;
        return expression;
    }
}
