using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Outpost.Bson;
using Outpost.Engine.Keys;

namespace Outpost.Engine.Indexes.Text;

/// <summary>
/// A text index: one key per distinct term of the weighted string fields (<c>$**</c> = every string). Scores are not
/// stored in the keys; <see cref="ScoreDocument"/> recomputes them from the fetched document with MongoDB's formula
/// (per field: weight × Σ 1/2^(occurrence-1) × (0.5 × count/tokens + 0.5) × 1.1 when the field is exactly the term).
/// </summary>
internal sealed class TextIndexKind : IIndexKind
{
    private readonly (string[] Parts, string Path, double Weight)[] _fields;
    private readonly double? _wildcardWeight;
    private readonly IKeyEncoder _encoder;

    // Lower-case ASCII token → its encoded index key in the default language (null: a stop word). Inserting a document
    // otherwise folds, stems and encodes each of its ~20 tokens anew, though a collection's notes reuse a small
    // vocabulary. Bounded: once full it is emptied and refilled, so one-off tokens (file names, ids) cannot crowd the
    // vocabulary out for good.
    private const int TermCacheCapacity = 65_536;
    private const int MaxCachedTokenLength = 64;
    private int _termKeyCount;
    private readonly ConcurrentDictionary<string, byte[]?> _termKeys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]?>.AlternateLookup<ReadOnlySpan<char>> _termKeysBySpan;

    public TextIndexKind(BsonDocument keyPattern, BsonDocument spec, IKeyEncoder encoder)
    {
        KeyPattern = keyPattern;
        _encoder = encoder;
        DefaultLanguage = spec.TryGetValue("default_language", out var dl) && dl is BsonString dls ? dls.Value : "english";
        LanguageOverride = spec.TryGetValue("language_override", out var lo) && lo is BsonString los ? los.Value : "language";
        var fields = new List<(string[], string, double)>();
        var weights = spec.TryGetValue("weights", out var w) && w is BsonDocument wd ? wd : TextIndexSpec.WeightsOf(keyPattern, null);
        foreach (var e in weights)
        {
            if (e.Name == "$**") _wildcardWeight = e.Value.ToDouble();
            else fields.Add((e.Name.Split('.'), e.Name, e.Value.ToDouble()));
        }

        _fields = [.. fields];
        _termKeysBySpan = _termKeys.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public BsonDocument KeyPattern { get; }

    public bool SupportsComparisons => false;

    public string DefaultLanguage { get; }

    public string LanguageOverride { get; }

    /// <summary>One key per distinct term of the document (the terms <see cref="ScoreDocument"/> scores).</summary>
    public bool GenerateKeys(BsonDocument document, List<byte[]> keys)
    {
        if (_wildcardWeight is not null)
        {
            foreach (var term in ScoreDocument(document, false, false, null).Keys) keys.Add(EncodeTerm(term));
            return false;
        }

        // Keys only need the distinct terms, not their scores: tokens are read as spans and looked up in the term cache.
        var language = LanguageOf(document);
        var cached = string.Equals(language, DefaultLanguage, StringComparison.Ordinal);
        var first = keys.Count;
        var values = new List<BsonValue>();
        foreach (var (parts, _, _) in _fields)
        {
            values.Clear();
            Collect(document, parts, 0, values);
            foreach (var v in values)
                if (v is BsonString s) AddTermKeys(s.Value, language, cached, keys, first);
        }

        return false;
    }

    private void AddTermKeys(string text, string language, bool cached, List<byte[]> keys, int first)
    {
        Span<char> lower = stackalloc char[MaxCachedTokenLength];
        var span = text.AsSpan();
        var start = -1;
        for (var i = 0; i <= span.Length; i++)
        {
            var inToken = i < span.Length && TextAnalyzer.IsTokenChar(span[i]);
            if (inToken)
            {
                if (start < 0) start = i;
                continue;
            }

            if (start < 0) continue;
            var token = span[start..i];
            start = -1;
            byte[]? key;
            // Tokens with digits are mostly one-off identifiers (file names, serial numbers): analyzed, never cached.
            if (cached && token.Length <= MaxCachedTokenLength && Ascii.IsValid(token) && token.IndexOfAnyInRange('0', '9') < 0)
            {
                Ascii.ToLower(token, lower, out var written);
                var folded = lower[..written];
                if (!_termKeysBySpan.TryGetValue(folded, out key))
                {
                    // The lower-cased ASCII token analyzes exactly like the token itself (folding ASCII only lowers it).
                    var word = folded.ToString();
                    var term = TextAnalyzer.Term(word, language, false, false);
                    key = term is null ? null : EncodeTerm(term);
                    if (_termKeys.TryAdd(word, key) && Interlocked.Increment(ref _termKeyCount) > TermCacheCapacity)
                    {
                        _termKeys.Clear();
                        Interlocked.Exchange(ref _termKeyCount, 0);
                    }
                }
            }
            else
            {
                var term = TextAnalyzer.Term(token.ToString(), language, false, false);
                key = term is null ? null : EncodeTerm(term);
            }

            if (key is not null && !ContainsKey(keys, first, key)) keys.Add(key);
        }
    }

    private static bool ContainsKey(List<byte[]> keys, int first, byte[] key)
    {
        for (var i = first; i < keys.Count; i++)
            if (ReferenceEquals(keys[i], key) || keys[i].AsSpan().SequenceEqual(key)) return true;
        return false;
    }

    public BsonDocument? DescribeKey(BsonDocument document, ReadOnlySpan<byte> key) => null;

    public byte[] EncodeTerm(string term)
    {
        var buffer = new ArrayBufferWriter<byte>(term.Length + 8);
        _encoder.Encode(new BsonString(term), false, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The document's language: its language override field, else the index default.</summary>
    public string LanguageOf(BsonDocument document) =>
        document.TryGetValue(LanguageOverride, out var l) && l is BsonString s && TextAnalyzer.IsSupportedLanguage(s.Value) ? s.Value : DefaultLanguage;

    /// <summary>Term → score of a document; <paramref name="rawTexts"/> (when given) collects the indexed strings for phrase matching.</summary>
    public Dictionary<string, double> ScoreDocument(BsonDocument document, bool caseSensitive, bool diacriticSensitive, List<string>? rawTexts)
    {
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var language = LanguageOf(document);
        var values = new List<BsonValue>();
        foreach (var (parts, _, weight) in _fields)
        {
            values.Clear();
            Collect(document, parts, 0, values);
            foreach (var v in values)
                if (v is BsonString s) ScoreString(s.Value, weight, language, caseSensitive, diacriticSensitive, scores, rawTexts);
        }

        if (_wildcardWeight is { } ww) ScoreAllStrings(document, "", ww, language, caseSensitive, diacriticSensitive, scores, rawTexts);
        return scores;
    }

    private void ScoreAllStrings(BsonValue value, string path, double weight, string language, bool cs, bool ds, Dictionary<string, double> scores, List<string>? raw)
    {
        switch (value)
        {
            case BsonString s:
                // Fields with their own weight were scored already.
                foreach (var f in _fields) if (f.Path == path) return;
                ScoreString(s.Value, weight, language, cs, ds, scores, raw);
                break;
            case BsonDocument d:
                foreach (var e in d) ScoreAllStrings(e.Value, path.Length == 0 ? e.Name : path + "." + e.Name, weight, language, cs, ds, scores, raw);
                break;
            case BsonArray a:
                foreach (var item in a) ScoreAllStrings(item, path, weight, language, cs, ds, scores, raw);
                break;
        }
    }

    private static void ScoreString(string raw, double weight, string language, bool cs, bool ds, Dictionary<string, double> scores, List<string>? rawTexts)
    {
        rawTexts?.Add(raw);
        var terms = new Dictionary<string, (double Exp, int Count, double Freq)>(StringComparer.Ordinal);
        var numTokens = 0;
        foreach (var token in TextAnalyzer.Tokenize(raw))
        {
            var term = TextAnalyzer.Term(token, language, cs, ds);
            if (term is null) continue;
            terms.TryGetValue(term, out var data);
            data.Exp = data.Exp == 0 ? 1 : data.Exp * 2;
            data.Count++;
            data.Freq += 1 / data.Exp;
            terms[term] = data;
            numTokens++;
        }

        foreach (var (term, data) in terms)
        {
            var coeff = (0.5 * data.Count / numTokens) + 0.5;
            var adjustment = raw.Length == term.Length && string.Equals(raw, term, StringComparison.OrdinalIgnoreCase) ? 1.1 : 1.0;
            scores.TryGetValue(term, out var score);
            scores[term] = score + (weight * data.Freq * coeff * adjustment);
        }
    }

    private static void Collect(BsonValue current, string[] parts, int index, List<BsonValue> values)
    {
        if (index == parts.Length)
        {
            if (current is BsonArray leaf) values.AddRange(leaf);
            else values.Add(current);
            return;
        }

        switch (current)
        {
            case BsonDocument d when d.TryGetValue(parts[index], out var child):
                Collect(child, parts, index + 1, values);
                break;
            case BsonArray a:
                foreach (var item in a)
                    if (item is BsonDocument) Collect(item, parts, index, values);
                break;
        }
    }
}
