using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>BSON JavaScript code.</summary>
public sealed class BsonJavaScript : BsonValue
{
    /// <summary>Creates a code value.</summary>
    public BsonJavaScript(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        Code = code;
    }

    public string Code { get; }
    public override BsonType Type => BsonType.JavaScript;

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append("{\"$code\": ");
        TextFormat.AppendQuoted(builder, Code);
        builder.Append('}');
    }
}
