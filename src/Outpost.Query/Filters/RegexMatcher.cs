using System.Text.RegularExpressions;
using Outpost.Bson;
using Outpost.Query.Paths;

namespace Outpost.Query.Filters;

/// <summary>$regex (and regex literals): matches strings and symbols; a stored regex matches if pattern and flags are equal.</summary>
internal sealed class RegexMatcher(FieldPath? path, BsonRegularExpression regex) : LeafMatcher(path)
{
    private readonly Regex _regex = Build(regex.Pattern, regex.Options);

    public BsonRegularExpression Source { get; } = regex;

    public override bool MatchesValue(BsonValue? value) => value switch
    {
        BsonString s => _regex.IsMatch(s.Value),
        BsonSymbol sym => _regex.IsMatch(sym.Name),
        BsonRegularExpression r => r.Pattern == Source.Pattern && r.Options == Source.Options,
        _ => false,
    };

    public bool IsMatch(string s) => _regex.IsMatch(s);

    /// <summary>Translates PCRE options i, m, s, x (u is accepted) to .NET; other letters are MongoDB error 51108.</summary>
    public static Regex Build(string pattern, string options)
    {
        var flags = RegexOptions.CultureInvariant;
        foreach (char c in options)
        {
            flags |= c switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new MongoException(ErrorCodes.Location51108, $"invalid flag in regex options: {c}"),
            };
        }

        try
        {
            return new Regex(pattern, flags, TimeSpan.FromSeconds(5));
        }
        catch (ArgumentException e)
        {
            throw new MongoException(ErrorCodes.Location51091, $"Regular expression is invalid: {e.Message}");
        }
    }
}
