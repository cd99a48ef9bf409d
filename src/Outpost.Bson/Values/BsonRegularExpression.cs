using System.Text;
using Outpost.Bson.Internal;

namespace Outpost.Bson;

/// <summary>A BSON regular expression: pattern and option letters, both stored as cstrings.</summary>
public sealed class BsonRegularExpression : BsonValue
{
    /// <summary>Creates a regular expression value.</summary>
    public BsonRegularExpression(string pattern, string options = "")
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(options);
        Pattern = pattern;
        Options = options;
    }

    public string Pattern { get; }
    public string Options { get; }
    public override BsonType Type => BsonType.RegularExpression;

    internal override void AppendTo(StringBuilder builder)
    {
        builder.Append("{\"$regularExpression\": {\"pattern\": ");
        TextFormat.AppendQuoted(builder, Pattern);
        builder.Append(", \"options\": ");
        TextFormat.AppendQuoted(builder, Options);
        builder.Append("}}");
    }
}
