using System.Globalization;
using System.Text;

namespace Outpost.Engine.Indexes.Text;

/// <summary>
/// Tokenizing and term normalization shared by text index keys and $text queries: tokens are runs of letters and
/// digits; case and diacritics are folded unless the query asks for sensitivity; English drops stop words and stems.
/// Languages other than english/none are accepted (MongoDB's list) but analyzed like "none" — documented limitation.
/// </summary>
internal static class TextAnalyzer
{
    private static readonly HashSet<string> KnownLanguages = new(StringComparer.Ordinal)
    {
        "none", "english", "en", "danish", "da", "dutch", "nl", "finnish", "fi", "french", "fr", "german", "de", "hungarian", "hu",
        "italian", "it", "norwegian", "nb", "portuguese", "pt", "romanian", "ro", "russian", "ru", "spanish", "es", "swedish", "sv",
        "turkish", "tr",
    };

    public static bool IsSupportedLanguage(string language) => KnownLanguages.Contains(language);

    public static bool IsEnglish(string language) => language is "english" or "en";

    public static bool IsTokenChar(char c) => char.IsLetterOrDigit(c) || c == '_' || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    /// <summary>Splits text into raw tokens.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inToken = i < text.Length && IsTokenChar(text[i]);
            if (inToken && start < 0) start = i;
            else if (!inToken && start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }
        }

        return tokens;
    }

    /// <summary>Folds case and/or diacritics of any text (tokens and phrases).</summary>
    public static string Fold(string text, bool caseSensitive, bool diacriticSensitive)
    {
        // ASCII has no diacritics and normalizes to itself: skip the two normalizations, which dominated indexing text.
        if (Ascii.IsValid(text)) return caseSensitive ? text : text.ToLowerInvariant();
        var s = caseSensitive ? text : text.ToLowerInvariant();
        if (diacriticSensitive) return s;
        var decomposed = s.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) builder.Append(c);
        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The index term of a raw token in <paramref name="language"/>, or null for a stop word.</summary>
    public static string? Term(string token, string language, bool caseSensitive, bool diacriticSensitive)
    {
        var folded = Fold(token, caseSensitive, diacriticSensitive);
        if (!IsEnglish(language)) return folded;
        var lower = caseSensitive ? folded.ToLowerInvariant() : folded;
        if (EnglishStopWords.Contains(lower)) return null;
        var stem = EnglishStemmer.Stem(lower);
        if (!caseSensitive) return stem;

        // Case-sensitive terms keep the token's own case on the stem (stems are prefixes of the word in almost all cases).
        return lower.StartsWith(stem, StringComparison.Ordinal) ? folded[..stem.Length] : stem;
    }
}
