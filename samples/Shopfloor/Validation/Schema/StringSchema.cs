using System.Text;
using System.Text.RegularExpressions;
using Outpost.Bson;

namespace Shopfloor.Validation.Schema;

/// <summary>A string with optional length bounds (in Unicode code points, as MongoDB counts), pattern and enum.</summary>
public sealed class StringSchema : SchemaNode
{
    private readonly Regex? _regex;

    public StringSchema(int? minLength = null, int? maxLength = null, string? pattern = null, IReadOnlyList<string>? allowed = null)
    {
        MinLength = minLength;
        MaxLength = maxLength;
        Pattern = pattern;
        Allowed = allowed;
        // Patterns stay in the subset .NET and PCRE read alike (anchors, classes, quantifiers), so the C#
        // check and the server's $jsonSchema agree.
        _regex = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    public int? MinLength { get; }
    public int? MaxLength { get; }
    public string? Pattern { get; }
    public IReadOnlyList<string>? Allowed { get; }

    protected override string TypeName => "string";

    public override void Validate(BsonValue value, string path, List<Violation> violations)
    {
        if (!CheckType(value is BsonString, value, path, violations))
        {
            return;
        }
        var s = value.AsString;
        if (MinLength is not null || MaxLength is not null)
        {
            var length = CountRunes(s);
            if (length < MinLength)
            {
                violations.Add(new Violation(path, RuleNames.MinLength, $"must have at least {MinLength} characters, has {length}"));
            }
            if (length > MaxLength)
            {
                violations.Add(new Violation(path, RuleNames.MaxLength, $"must have at most {MaxLength} characters, has {length}"));
            }
        }
        if (_regex is not null && !_regex.IsMatch(s))
        {
            violations.Add(new Violation(path, RuleNames.Pattern, $"'{s}' does not match {Pattern}"));
        }
        if (Allowed is not null && !Allowed.Contains(s))
        {
            violations.Add(new Violation(path, RuleNames.Enum, $"'{s}' is not one of: {string.Join(", ", Allowed)}"));
        }
    }

    protected override void WriteJsonSchema(BsonDocument schema)
    {
        schema.Add("bsonType", TypeName);
        if (MinLength is { } min)
        {
            schema.Add("minLength", min);
        }
        if (MaxLength is { } max)
        {
            schema.Add("maxLength", max);
        }
        if (Pattern is not null)
        {
            schema.Add("pattern", Pattern);
        }
        if (Allowed is not null)
        {
            schema.Add("enum", new BsonArray(Allowed.Select(a => (BsonValue)a)));
        }
    }

    private static int CountRunes(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }
        return count;
    }
}
