using Outpost.Bson;
using Outpost.Query.Filters;

namespace Outpost.Engine.Indexes.Text;

/// <summary>
/// A parsed <c>$text: {$search, $language, $caseSensitive, $diacriticSensitive}</c> against one text index.
/// MongoDB's semantics: terms are OR'ed (a document needs one), quoted phrases are AND'ed and their words count as
/// terms, <c>-term</c> and <c>-"phrase"</c> exclude; the score sums the document's scores of the positive terms.
/// </summary>
internal sealed class TextSearch
{
    private readonly TextIndexKind _kind;
    private readonly bool _caseSensitive;
    private readonly bool _diacriticSensitive;
    private readonly HashSet<string> _positive = new(StringComparer.Ordinal);
    private readonly HashSet<string> _negative = new(StringComparer.Ordinal);
    private readonly List<string> _phrases = [];
    private readonly List<string> _negativePhrases = [];

    public TextSearch(TextIndexKind kind, TextQuery query)
    {
        _kind = kind;
        _caseSensitive = query.CaseSensitive;
        _diacriticSensitive = query.DiacriticSensitive;
        var language = query.Language ?? kind.DefaultLanguage;
        if (!TextAnalyzer.IsSupportedLanguage(language))
            throw new MongoException(17262, "Location17262", $"language override unsupported: {language}");
        Language = language;
        Parse(query.Search);
    }

    public string Language { get; }

    /// <summary>Index terms (case/diacritic folded) to look up: every positive term.</summary>
    public IEnumerable<string> IndexTerms
    {
        get
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var t in _positive) set.Add(_caseSensitive || _diacriticSensitive ? TextAnalyzer.Fold(t, false, false) : t);
            return set;
        }
    }

    public IReadOnlyCollection<string> PositiveTerms => _positive;

    private void Parse(string search)
    {
        var i = 0;
        while (i < search.Length)
        {
            var c = search[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var negated = c == '-' && i + 1 < search.Length && !char.IsWhiteSpace(search[i + 1]);
            if (negated) i++;
            if (i < search.Length && search[i] == '"')
            {
                var end = search.IndexOf('"', i + 1);
                if (end < 0) end = search.Length;
                var phrase = search[(i + 1)..end];
                i = end + 1;
                if (phrase.Trim().Length == 0) continue;
                if (negated)
                {
                    _negativePhrases.Add(TextAnalyzer.Fold(phrase, _caseSensitive, _diacriticSensitive));
                }
                else
                {
                    _phrases.Add(TextAnalyzer.Fold(phrase, _caseSensitive, _diacriticSensitive));
                    AddTerms(phrase, _positive);
                }

                continue;
            }

            // A bare word: up to the next whitespace or quote (punctuation inside splits into several terms).
            var start = i;
            while (i < search.Length && !char.IsWhiteSpace(search[i]) && search[i] != '"') i++;
            AddTerms(search[start..i], negated ? _negative : _positive);
        }
    }

    private void AddTerms(string text, HashSet<string> into)
    {
        foreach (var token in TextAnalyzer.Tokenize(text))
        {
            var term = TextAnalyzer.Term(token, Language, _caseSensitive, _diacriticSensitive);
            if (term is not null) into.Add(term);
        }
    }

    /// <summary>Whether the document matches; its text score when it does.</summary>
    public bool TryScore(BsonDocument document, out double score)
    {
        score = 0;
        if (_positive.Count == 0) return false;
        var raw = _phrases.Count + _negativePhrases.Count > 0 ? new List<string>() : null;
        var terms = _kind.ScoreDocument(document, _caseSensitive, _diacriticSensitive, raw);
        var any = false;
        foreach (var t in _positive)
        {
            if (!terms.TryGetValue(t, out var s)) continue;
            any = true;
            score += s;
        }

        if (!any) return false;
        foreach (var t in _negative)
            if (terms.ContainsKey(t)) return false;
        if (raw is not null)
        {
            var folded = new List<string>(raw.Count);
            foreach (var r in raw) folded.Add(TextAnalyzer.Fold(r, _caseSensitive, _diacriticSensitive));
            foreach (var p in _phrases)
                if (!folded.Exists(r => r.Contains(p, StringComparison.Ordinal))) return false;
            foreach (var p in _negativePhrases)
                if (folded.Exists(r => r.Contains(p, StringComparison.Ordinal))) return false;
        }

        return true;
    }
}
