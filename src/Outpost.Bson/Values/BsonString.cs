using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>A BSON UTF-8 string.</summary>
public sealed class BsonString : BsonValue
{
    /// <summary>Creates a string value.</summary>
    public BsonString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = value;
    }

    public string Value { get; }
    public override BsonType Type => BsonType.String;
    internal override void AppendTo(StringBuilder builder) => TextFormat.AppendQuoted(builder, Value);
}
