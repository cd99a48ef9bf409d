using System.Text.RegularExpressions;

namespace Outpost.Query.Expressions;

/// <summary>
/// Translates PCRE patterns with MongoDB's i m s x options to .NET regexes. Each compiled expression owns one instance
/// that remembers the last regex it built, since the pattern is usually constant (no process-wide mutable state).
/// </summary>
internal sealed class RegexCache
{
    private sealed record Entry(string Pattern, string Options, Regex Regex);

    private Entry? _last;

    public Regex Get(string pattern, string options)
    {
        var last = _last;
        if (last is not null && last.Pattern == pattern && last.Options == options)
        {
            return last.Regex;
        }

        var re = Build(pattern, options);
        _last = new Entry(pattern, options, re);
        return re;
    }

    public static Regex Build(string pattern, string options)
    {
        var ro = RegexOptions.CultureInvariant;
        foreach (char c in options)
        {
            ro |= c switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new MongoException(51108, $"$regex invalid flag in regex options: {c}"),
            };
        }

        try
        {
            return new Regex(pattern, ro, TimeSpan.FromSeconds(10));
        }
        catch (ArgumentException ex)
        {
            throw new MongoException(51111, $"Invalid Regex: {ex.Message}");
        }
    }
}
