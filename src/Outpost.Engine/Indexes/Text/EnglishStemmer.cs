namespace Outpost.Engine.Indexes.Text;

/// <summary>
/// The Snowball English ("Porter2") stemmer, as MongoDB's text indexes use for <c>english</c>. Written here from the
/// published algorithm so stems agree with MongoDB's (e.g. running → run, generously → generous, stemming → stem).
/// Input must be lower case.
/// </summary>
internal static class EnglishStemmer
{
    private static readonly Dictionary<string, string> Exceptions = new(StringComparer.Ordinal)
    {
        ["skis"] = "ski", ["skies"] = "sky", ["dying"] = "die", ["lying"] = "lie", ["tying"] = "tie", ["idly"] = "idl",
        ["gently"] = "gentl", ["ugly"] = "ugli", ["early"] = "earli", ["only"] = "onli", ["singly"] = "singl",
        ["sky"] = "sky", ["news"] = "news", ["howe"] = "howe", ["atlas"] = "atlas", ["cosmos"] = "cosmos", ["bias"] = "bias", ["andes"] = "andes",
    };

    private static readonly HashSet<string> AfterStep1A = new(StringComparer.Ordinal)
    {
        "inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed",
    };

    private static readonly (string Suffix, string Replacement)[] Step2Rules =
    [
        ("ization", "ize"), ("ational", "ate"), ("fulness", "ful"), ("ousness", "ous"), ("iveness", "ive"), ("tional", "tion"),
        ("biliti", "ble"), ("lessli", "less"), ("entli", "ent"), ("ation", "ate"), ("alism", "al"), ("aliti", "al"), ("ousli", "ous"),
        ("iviti", "ive"), ("fulli", "ful"), ("enci", "ence"), ("anci", "ance"), ("abli", "able"), ("izer", "ize"), ("ator", "ate"),
        ("alli", "al"), ("bli", "ble"), ("ogi", "og"), ("li", ""),
    ];

    private static readonly (string Suffix, string Replacement)[] Step3Rules =
    [
        ("ational", "ate"), ("tional", "tion"), ("alize", "al"), ("icate", "ic"), ("iciti", "ic"), ("ative", ""), ("ical", "ic"),
        ("ness", ""), ("ful", ""),
    ];

    private static readonly string[] Step4Suffixes =
    [
        "ement", "ance", "ence", "able", "ible", "ment", "ant", "ent", "ism", "ate", "iti", "ous", "ive", "ize", "ion", "al", "er", "ic",
    ];

    /// <summary>The stem of a lower-case word.</summary>
    public static string Stem(string word)
    {
        if (word.Length <= 2) return word;
        if (Exceptions.TryGetValue(word, out var exception)) return exception;
        var w = new System.Text.StringBuilder(word);
        if (w[0] == '\'') w.Remove(0, 1);
        if (w.Length == 0) return word;

        // Mark consonant y's as Y.
        if (w[0] == 'y') w[0] = 'Y';
        for (var i = 1; i < w.Length; i++)
            if (w[i] == 'y' && IsVowel(w[i - 1])) w[i] = 'Y';

        var (r1, r2) = Regions(w);

        // Step 0: apostrophes.
        if (EndsWith(w, "'s'")) w.Length -= 3;
        else if (EndsWith(w, "'s")) w.Length -= 2;
        else if (EndsWith(w, "'")) w.Length -= 1;

        // Step 1a.
        if (EndsWith(w, "sses")) w.Length -= 2;
        else if (EndsWith(w, "ied") || EndsWith(w, "ies")) w.Length -= w.Length > 4 ? 2 : 1;
        else if (EndsWith(w, "us") || EndsWith(w, "ss")) { }
        else if (EndsWith(w, "s"))
        {
            var hasVowel = false;
            for (var i = 0; i < w.Length - 2; i++) hasVowel |= IsVowel(w[i]);
            if (hasVowel) w.Length -= 1;
        }

        if (AfterStep1A.Contains(w.ToString())) return w.ToString();

        // Step 1b.
        if (EndsWith(w, "eedly") || EndsWith(w, "eed"))
        {
            var len = EndsWith(w, "eedly") ? 5 : 3;
            if (w.Length - len >= r1) w.Length -= len - 2;
        }
        else
        {
            var len = EndsWith(w, "ingly") ? 5 : EndsWith(w, "edly") ? 4 : EndsWith(w, "ing") ? 3 : EndsWith(w, "ed") ? 2 : 0;
            if (len > 0)
            {
                var hasVowel = false;
                for (var i = 0; i < w.Length - len; i++) hasVowel |= IsVowel(w[i]);
                if (hasVowel)
                {
                    w.Length -= len;
                    if (EndsWith(w, "at") || EndsWith(w, "bl") || EndsWith(w, "iz")) w.Append('e');
                    else if (EndsWithDouble(w)) w.Length -= 1;
                    else if (IsShort(w, r1)) w.Append('e');
                }
            }
        }

        // Step 1c.
        if (w.Length > 2 && (w[^1] == 'y' || w[^1] == 'Y') && !IsVowel(w[^2])) w[^1] = 'i';

        // Step 2.
        foreach (var (suffix, replacement) in Step2Rules)
        {
            if (!EndsWith(w, suffix)) continue;
            if (w.Length - suffix.Length >= r1)
            {
                if (suffix == "ogi")
                {
                    if (w.Length > 3 && w[^4] == 'l') Replace(w, suffix, replacement);
                }
                else if (suffix == "li")
                {
                    if (w.Length > 2 && "cdeghkmnrt".Contains(w[^3], StringComparison.Ordinal)) w.Length -= 2;
                }
                else
                {
                    Replace(w, suffix, replacement);
                }
            }

            break;
        }

        // Step 3.
        foreach (var (suffix, replacement) in Step3Rules)
        {
            if (!EndsWith(w, suffix)) continue;
            if (w.Length - suffix.Length >= r1 && (suffix != "ative" || w.Length - suffix.Length >= r2)) Replace(w, suffix, replacement);
            break;
        }

        // Step 4.
        foreach (var suffix in Step4Suffixes)
        {
            if (!EndsWith(w, suffix)) continue;
            if (w.Length - suffix.Length >= r2)
            {
                if (suffix == "ion")
                {
                    if (w.Length > 3 && w[^4] is 's' or 't') w.Length -= 3;
                }
                else
                {
                    w.Length -= suffix.Length;
                }
            }

            break;
        }

        // Step 5.
        if (EndsWith(w, "e"))
        {
            var at = w.Length - 1;
            if (at >= r2 || (at >= r1 && !EndsInShortSyllable(w, at))) w.Length -= 1;
        }
        else if (EndsWith(w, "ll") && w.Length - 1 >= r2)
        {
            w.Length -= 1;
        }

        return w.ToString().Replace('Y', 'y');
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u' or 'y';

    private static (int R1, int R2) Regions(System.Text.StringBuilder w)
    {
        var s = w.ToString();
        int r1;
        if (s.StartsWith("gener", StringComparison.Ordinal) || s.StartsWith("arsen", StringComparison.Ordinal)) r1 = 5;
        else if (s.StartsWith("commun", StringComparison.Ordinal)) r1 = 6;
        else r1 = RegionAfter(s, 0);
        return (r1, RegionAfter(s, r1));
    }

    /// <summary>The position after the first non-vowel following a vowel, searching from <paramref name="start"/>.</summary>
    private static int RegionAfter(string s, int start)
    {
        for (var i = start + 1; i < s.Length; i++)
            if (!IsVowel(s[i]) && IsVowel(s[i - 1])) return i + 1;
        return s.Length;
    }

    private static bool EndsWith(System.Text.StringBuilder w, string suffix)
    {
        if (w.Length < suffix.Length) return false;
        for (var i = 0; i < suffix.Length; i++)
            if (w[w.Length - suffix.Length + i] != suffix[i]) return false;
        return true;
    }

    private static void Replace(System.Text.StringBuilder w, string suffix, string replacement)
    {
        w.Length -= suffix.Length;
        w.Append(replacement);
    }

    private static bool EndsWithDouble(System.Text.StringBuilder w) =>
        w.Length >= 2 && w[^1] == w[^2] && w[^1] is 'b' or 'd' or 'f' or 'g' or 'm' or 'n' or 'p' or 'r' or 't';

    /// <summary>A short syllable ends at <paramref name="end"/> (exclusive).</summary>
    private static bool EndsInShortSyllable(System.Text.StringBuilder w, int end)
    {
        if (end == 2) return IsVowel(w[0]) && !IsVowel(w[1]);
        if (end < 3) return false;
        var c = w[end - 1];
        return !IsVowel(c) && c is not ('w' or 'x' or 'Y') && IsVowel(w[end - 2]) && !IsVowel(w[end - 3]);
    }

    private static bool IsShort(System.Text.StringBuilder w, int r1) => r1 >= w.Length && EndsInShortSyllable(w, w.Length);
}
