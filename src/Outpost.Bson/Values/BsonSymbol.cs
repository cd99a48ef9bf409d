using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>A deprecated BSON symbol; compares like a string.</summary>
public sealed class BsonSymbol : BsonValue
{
    /// <summary>Creates a symbol value.</summary>
    public BsonSymbol(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
    }

    public string Name { get; }
    public override BsonType Type => BsonType.Symbol;

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append("{\"$symbol\": ");
        TextFormat.AppendQuoted(builder, Name);
        builder.Append('}');
    }
}
