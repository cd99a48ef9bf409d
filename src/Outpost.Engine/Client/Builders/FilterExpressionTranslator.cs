using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Outpost.Bson;

namespace Outpost.Engine.Client;

/// <summary>
/// Translates <c>Expression&lt;Func&lt;T, bool&gt;&gt;</c> predicates built from simple member expressions into
/// MongoDB filter documents. Sub-expressions that do not use the parameter (constants, captured variables, method
/// calls on them) are evaluated once at translation time.
/// </summary>
internal static class FilterExpressionTranslator
{
    public static BsonDocument Translate(LambdaExpression predicate, BsonMapper mapper) => Node(predicate.Body, mapper);

    private static BsonDocument Node(Expression node, BsonMapper mapper)
    {
        switch (node.NodeType)
        {
            case ExpressionType.AndAlso:
            case ExpressionType.OrElse:
                {
                    var binary = (BinaryExpression)node;
                    var op = node.NodeType == ExpressionType.AndAlso ? "$and" : "$or";
                    var clauses = new BsonArray();
                    Flatten(op, Node(binary.Left, mapper), clauses);
                    Flatten(op, Node(binary.Right, mapper), clauses);
                    return new BsonDocument(op, clauses);
                }

            case ExpressionType.Not:
                {
                    var operand = ((UnaryExpression)node).Operand;
                    var path = FieldPath.Of(operand, mapper);
                    if (path is not null && FieldPath.StripConvert(operand).Type == typeof(bool))
                        return new BsonDocument(path, new BsonDocument("$ne", true));
                    return new BsonDocument("$nor", new BsonArray { Node(operand, mapper) });
                }

            case ExpressionType.Equal:
            case ExpressionType.NotEqual:
            case ExpressionType.LessThan:
            case ExpressionType.LessThanOrEqual:
            case ExpressionType.GreaterThan:
            case ExpressionType.GreaterThanOrEqual:
                return Comparison((BinaryExpression)node, mapper);

            case ExpressionType.MemberAccess:
                {
                    var member = (MemberExpression)node;
                    if (member.Member.Name == "HasValue" && member.Expression is not null && Nullable.GetUnderlyingType(member.Expression.Type) is not null)
                    {
                        var nullablePath = FieldPath.Of(member.Expression, mapper);
                        if (nullablePath is not null) return new BsonDocument(nullablePath, new BsonDocument("$ne", BsonNull.Value));
                    }

                    var path = FieldPath.Of(node, mapper);
                    if (path is not null && node.Type == typeof(bool)) return new BsonDocument(path, true);
                    break;
                }

            case ExpressionType.Call:
                return Call((MethodCallExpression)node, mapper);

            case ExpressionType.Constant when node.Type == typeof(bool):
                return (bool)((ConstantExpression)node).Value! ? [] : new BsonDocument("_id", new BsonDocument("$exists", false));
        }

        throw Unsupported(node);
    }

    private static void Flatten(string op, BsonDocument clause, BsonArray into)
    {
        if (clause.ElementCount == 1 && clause.GetElement(0).Name == op)
        {
            foreach (var inner in clause[0].AsArray) into.Add(inner);
        }
        else
        {
            into.Add(clause);
        }
    }

    private static BsonDocument Comparison(BinaryExpression node, BsonMapper mapper)
    {
        var type = node.NodeType;
        var (fieldSide, valueSide) = (node.Left, node.Right);
        var path = FieldPath.Of(fieldSide, mapper);
        if (path is null)
        {
            (fieldSide, valueSide) = (node.Right, node.Left);
            path = FieldPath.Of(fieldSide, mapper) ?? throw Unsupported(node);
            type = type switch
            {
                ExpressionType.LessThan => ExpressionType.GreaterThan,
                ExpressionType.LessThanOrEqual => ExpressionType.GreaterThanOrEqual,
                ExpressionType.GreaterThan => ExpressionType.LessThan,
                ExpressionType.GreaterThanOrEqual => ExpressionType.LessThanOrEqual,
                _ => type,
            };
        }

        if (UsesParameter(valueSide)) throw Unsupported(node); // comparing two fields needs $expr
        var fieldType = FieldPath.StripConvert(fieldSide) is MemberExpression { Member.Name: "Value" } m && m.Expression is not null && Nullable.GetUnderlyingType(m.Expression.Type) is not null
            ? m.Type
            : FieldPath.StripConvert(fieldSide).Type;
        var value = Value(Evaluate(valueSide), fieldType, mapper);
        return type switch
        {
            ExpressionType.Equal => new BsonDocument(path, value),
            ExpressionType.NotEqual => new BsonDocument(path, new BsonDocument("$ne", value)),
            ExpressionType.LessThan => new BsonDocument(path, new BsonDocument("$lt", value)),
            ExpressionType.LessThanOrEqual => new BsonDocument(path, new BsonDocument("$lte", value)),
            ExpressionType.GreaterThan => new BsonDocument(path, new BsonDocument("$gt", value)),
            _ => new BsonDocument(path, new BsonDocument("$gte", value)),
        };
    }

    private static BsonDocument Call(MethodCallExpression call, BsonMapper mapper)
    {
        var method = call.Method;
        if (method.DeclaringType == typeof(string) && call.Object is not null && call.Arguments.Count >= 1 && method.Name is "StartsWith" or "EndsWith" or "Contains")
        {
            var path = FieldPath.Of(call.Object, mapper);
            if (path is null || UsesParameter(call.Arguments[0]) || call.Arguments[0].Type != typeof(string) || call.Arguments.Count > 1) throw Unsupported(call);
            var text = Regex.Escape((string?)Evaluate(call.Arguments[0]) ?? throw Unsupported(call));
            var pattern = method.Name switch { "StartsWith" => "^" + text, "EndsWith" => text + "$", _ => text };
            return new BsonDocument(path, new BsonRegularExpression(pattern));
        }

        if (method.Name == "Contains")
        {
            // list.Contains(x.Member) (instance or Enumerable/MemoryExtensions static form) → { member: { $in: list } };
            // x.Tags.Contains(value) → { tags: value }.
            Expression? source = call.Object;
            Expression item;
            if (source is not null && call.Arguments.Count == 1) item = call.Arguments[0];
            else if (source is null && (call.Arguments.Count == 2 || (call.Arguments.Count == 3 && call.Arguments[2] is ConstantExpression { Value: null })))
                (source, item) = (call.Arguments[0], call.Arguments[1]); // Enumerable.Contains, or MemoryExtensions.Contains(span, value, comparer: null) under C# 14 span conversions
            else throw Unsupported(call);
            if (source is MethodCallExpression { Method.Name: "op_Implicit", Arguments.Count: 1 } implicitSpan) source = implicitSpan.Arguments[0];
            source = FieldPath.StripConvert(source);

            var itemPath = FieldPath.Of(item, mapper);
            if (itemPath is not null && !UsesParameter(source))
            {
                var values = new BsonArray();
                var itemType = FieldPath.StripConvert(item).Type;
                if (Evaluate(source) is IEnumerable sequence)
                {
                    foreach (var v in sequence) values.Add(Value(v, itemType, mapper));
                }

                return new BsonDocument(itemPath, new BsonDocument("$in", values));
            }

            var sourcePath = FieldPath.Of(source, mapper);
            if (sourcePath is not null && !UsesParameter(item))
                return new BsonDocument(sourcePath, Value(Evaluate(item), FieldPath.StripConvert(item).Type, mapper));
        }

        throw Unsupported(call);
    }

    private static BsonValue Value(object? value, Type fieldType, BsonMapper mapper)
    {
        if (value is null) return BsonNull.Value;
        var target = Nullable.GetUnderlyingType(fieldType) ?? fieldType;
        if (target.IsEnum && !value.GetType().IsEnum) value = Enum.ToObject(target, value);
        return mapper.ToBsonValue(value, value.GetType() == target ? target : value.GetType());
    }

    private static object? Evaluate(Expression expression)
    {
        switch (expression)
        {
            case ConstantExpression constant:
                return constant.Value;
            case MemberExpression { Expression: ConstantExpression closure } member:
                return member.Member switch
                {
                    FieldInfo field => field.GetValue(closure.Value),
                    PropertyInfo property => property.GetValue(closure.Value),
                    _ => Compile(expression),
                };
            case UnaryExpression { NodeType: ExpressionType.Convert } convert when convert.Type == typeof(object) || Nullable.GetUnderlyingType(convert.Type) is not null:
                return Evaluate(convert.Operand);
            default:
                return Compile(expression);
        }
    }

    private static object? Compile(Expression expression) =>
        Expression.Lambda<Func<object?>>(Expression.Convert(expression, typeof(object))).Compile(preferInterpretation: true)();

    private static bool UsesParameter(Expression expression)
    {
        var finder = new ParameterFinder();
        finder.Visit(expression);
        return finder.Found;
    }

    private static NotSupportedException Unsupported(Expression node) =>
        new($"Cannot translate '{node}' to a filter: only member comparisons with values (==, !=, <, <=, >, >=), &&, ||, !, bool members, null checks, string.StartsWith/EndsWith/Contains and list.Contains(x.Member) are supported.");

    private sealed class ParameterFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            Found = true;
            return node;
        }
    }
}
