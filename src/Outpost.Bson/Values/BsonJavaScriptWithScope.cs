using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>Deprecated BSON JavaScript code with a scope document.</summary>
public sealed class BsonJavaScriptWithScope : BsonValue
{
    /// <summary>Creates a code-with-scope value.</summary>
    public BsonJavaScriptWithScope(string code, BsonDocument scope)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(scope);
        Code = code;
        Scope = scope;
    }

    public string Code { get; }
    public BsonDocument Scope { get; }
    public override BsonType Type => BsonType.JavaScriptWithScope;

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append("{\"$code\": ");
        TextFormat.AppendQuoted(builder, Code);
        builder.Append(", \"$scope\": ");
        Scope.AppendTo(builder);
        builder.Append('}');
    }
}
