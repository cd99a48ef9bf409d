using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>String operators: $concat, substrings, case, $split, trims, lengths, indexOf, regex, replace, $strcasecmp.</summary>
internal static class StringOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$concat", 0, int.MaxValue, (_, a, _) => Concat(a));
        Eager(ops, "$substr", 3, 3, (_, a, _) => SubstrBytes("$substrBytes", a));
        Eager(ops, "$substrBytes", 3, 3, (n, a, _) => SubstrBytes(n, a));
        Eager(ops, "$substrCP", 3, 3, (_, a, _) => SubstrCP(a));
        Eager(ops, "$toLower", 1, 1, (n, a, _) => AsciiCase(CoerceToString(a[0], n), upper: false));
        Eager(ops, "$toUpper", 1, 1, (n, a, _) => AsciiCase(CoerceToString(a[0], n), upper: true));
        Eager(ops, "$strcasecmp", 2, 2, (n, a, _) => BsonInt32.Create(Math.Sign(string.CompareOrdinal(
            AsciiCase(CoerceToString(a[0], n), true), AsciiCase(CoerceToString(a[1], n), true)))));
        Eager(ops, "$split", 2, 2, (_, a, _) => Split(a[0], a[1]));
        Eager(ops, "$strLenBytes", 1, 1, (_, a, _) => a[0] is BsonString s ? BsonInt32.Create(Encoding.UTF8.GetByteCount(s.Value))
            : throw new MongoException(34473, $"$strLenBytes requires a string argument, found: {Values.TypeName(a[0])}"));
        Eager(ops, "$strLenCP", 1, 1, (_, a, _) => a[0] is BsonString s ? BsonInt32.Create(CodePointCount(s.Value))
            : throw new MongoException(34471, $"$strLenCP requires a string argument, found: {Values.TypeName(a[0])}"));
        Eager(ops, "$indexOfBytes", 2, 4, (n, a, _) => IndexOf(n, a, bytes: true));
        Eager(ops, "$indexOfCP", 2, 4, (n, a, _) => IndexOf(n, a, bytes: false));
        ops["$trim"] = (n, spec, ctx) => CompileTrim(n, spec, ctx, left: true, right: true);
        ops["$ltrim"] = (n, spec, ctx) => CompileTrim(n, spec, ctx, left: true, right: false);
        ops["$rtrim"] = (n, spec, ctx) => CompileTrim(n, spec, ctx, left: false, right: true);
        ops["$regexMatch"] = (n, spec, ctx) => CompileRegex(n, spec, ctx, RegexMode.Match);
        ops["$regexFind"] = (n, spec, ctx) => CompileRegex(n, spec, ctx, RegexMode.Find);
        ops["$regexFindAll"] = (n, spec, ctx) => CompileRegex(n, spec, ctx, RegexMode.FindAll);
        ops["$replaceOne"] = (n, spec, ctx) => CompileReplace(n, spec, ctx, all: false);
        ops["$replaceAll"] = (n, spec, ctx) => CompileReplace(n, spec, ctx, all: true);
    }

    /// <summary>MongoDB's coerceToString: strings, numbers, dates and timestamps; null/missing give "".</summary>
    public static string CoerceToString(BsonValue v, string op) => v switch
    {
        BsonString s => s.Value,
        BsonSymbol s => s.Name,
        BsonInt32 i => i.Value.ToString(CultureInfo.InvariantCulture),
        BsonInt64 l => l.Value.ToString(CultureInfo.InvariantCulture),
        BsonDouble d => FormatDouble(d.Value),
        BsonDecimal128 m => m.Value.ToString(),
        BsonDateTime dt => DateFormatter.Format("%Y-%m-%dT%H:%M:%S.%LZ", dt.MillisecondsSinceEpoch, TimeZoneSpec.Utc),
        BsonTimestamp ts => $"Timestamp({ts.Seconds}, {ts.Increment})",
        _ when Values.IsNullish(v) => string.Empty,
        _ => throw new MongoException(16007, $"can't convert from BSON type {Values.TypeName(v)} to String"),
    };

    /// <summary>Doubles as MongoDB prints them: shortest round-trip, integral values without a fraction.</summary>
    public static string FormatDouble(double d)
    {
        if (double.IsNaN(d))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(d))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(d))
        {
            return "-Infinity";
        }

        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string AsciiCase(string s, bool upper)
    {
        // MongoDB's $toLower/$toUpper change ASCII letters only.
        return string.Create(s.Length, (s, upper), static (span, st) =>
        {
            for (int i = 0; i < st.s.Length; i++)
            {
                char c = st.s[i];
                span[i] = st.upper ? (char.IsAsciiLetterLower(c) ? (char)(c - 32) : c) : (char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c);
            }
        });
    }

    private static BsonValue Concat(BsonValue[] args)
    {
        var sb = new StringBuilder();
        foreach (var v in args)
        {
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonString s)
            {
                throw new MongoException(16702, $"$concat only supports strings, not {Values.TypeName(v)}");
            }

            sb.Append(s.Value);
        }

        return sb.ToString();
    }

    private static BsonValue SubstrBytes(string name, BsonValue[] a)
    {
        string s = CoerceToString(a[0], name);
        if (!a[1].IsNumeric)
        {
            throw new MongoException(16034, $"{name}:  starting index must be a numeric type (is BSON type {Values.TypeName(a[1])})");
        }

        if (!a[2].IsNumeric)
        {
            throw new MongoException(16035, $"{name}:  length must be a numeric type (is BSON type {Values.TypeName(a[2])})");
        }

        var bytes = Encoding.UTF8.GetBytes(s);
        long start = a[1].ToInt64();
        long length = a[2].ToInt64();
        if (start < 0 || start >= bytes.Length)
        {
            return string.Empty;
        }

        long end = length < 0 ? bytes.Length : Math.Min(bytes.Length, start + length);
        if (IsContinuation(bytes, (int)start))
        {
            throw new MongoException(28656, $"{name}:  Invalid range, starting index is a UTF-8 continuation byte.");
        }

        if (end < bytes.Length && IsContinuation(bytes, (int)end))
        {
            throw new MongoException(28657, $"{name}:  Invalid range, ending index is in the middle of a UTF-8 character.");
        }

        return Encoding.UTF8.GetString(bytes, (int)start, (int)(end - start));
    }

    private static bool IsContinuation(byte[] bytes, int i) => i < bytes.Length && (bytes[i] & 0xC0) == 0x80;

    private static BsonValue SubstrCP(BsonValue[] a)
    {
        string s = CoerceToString(a[0], "$substrCP");
        if (!a[1].IsNumeric)
        {
            throw new MongoException(34450, $"$substrCP: starting index must be a numeric type (is BSON type {Values.TypeName(a[1])})");
        }

        if (!Values.TryGetInt(a[1], out int start))
        {
            throw new MongoException(34451, $"$substrCP: starting index cannot be represented as a 32-bit integral value: {a[1]}");
        }

        if (!a[2].IsNumeric)
        {
            throw new MongoException(34452, $"$substrCP: length must be a numeric type (is BSON type {Values.TypeName(a[2])})");
        }

        if (!Values.TryGetInt(a[2], out int length))
        {
            throw new MongoException(34453, $"$substrCP: length cannot be represented as a 32-bit integral value: {a[2]}");
        }

        if (start < 0)
        {
            throw new MongoException(34455, "$substrCP: the starting index must be nonnegative integer.");
        }

        if (length < 0)
        {
            throw new MongoException(34454, "$substrCP: length must be a nonnegative integer.");
        }

        var runes = s.EnumerateRunes().ToArray();
        if (start >= runes.Length)
        {
            return string.Empty;
        }

        int end = (int)Math.Min(runes.Length, (long)start + length);
        var sb = new StringBuilder();
        for (int i = start; i < end; i++)
        {
            sb.Append(runes[i].ToString());
        }

        return sb.ToString();
    }

    public static int CodePointCount(string s)
    {
        int n = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            n++;
        }

        return n;
    }

    private static BsonValue Split(BsonValue input, BsonValue delimiter)
    {
        if (Values.IsNullish(input) || Values.IsNullish(delimiter))
        {
            return BsonNull.Value;
        }

        if (input is not BsonString s)
        {
            throw new MongoException(16994, $"$split requires an expression that evaluates to a string as a first argument, found: {Values.TypeName(input)}");
        }

        if (delimiter is not BsonString d)
        {
            throw new MongoException(16995, $"$split requires an expression that evaluates to a string as a second argument, found: {Values.TypeName(delimiter)}");
        }

        if (d.Value.Length == 0)
        {
            throw new MongoException(40087, "$split requires a non-empty separator");
        }

        var result = new BsonArray();
        foreach (var part in s.Value.Split(d.Value))
        {
            result.Add(part);
        }

        return result;
    }

    private static BsonValue IndexOf(string name, BsonValue[] a, bool bytes)
    {
        if (Values.IsNullish(a[0]))
        {
            return BsonNull.Value;
        }

        if (a[0] is not BsonString s)
        {
            throw new MongoException(bytes ? 40091 : 40093, $"{name} requires a string as the first argument, found: {Values.TypeName(a[0])}");
        }

        if (a[1] is not BsonString sub)
        {
            throw new MongoException(bytes ? 40092 : 40094, $"{name} requires a string as the second argument, found: {Values.TypeName(a[1])}");
        }

        // Work in units of the operator (UTF-8 bytes or code points) so indexes match MongoDB's.
        int[] units = bytes ? [.. Encoding.UTF8.GetBytes(s.Value).Select(b => (int)b)] : [.. s.Value.EnumerateRunes().Select(r => r.Value)];
        int[] needle = bytes ? [.. Encoding.UTF8.GetBytes(sub.Value).Select(b => (int)b)] : [.. sub.Value.EnumerateRunes().Select(r => r.Value)];
        int start = 0, end = units.Length;
        if (a.Length > 2)
        {
            if (!Values.TryGetInt(a[2], out start) || start < 0)
            {
                throw new MongoException(40096, $"{name} starting index must be a positive integral value: {a[2]}");
            }
        }

        if (a.Length > 3)
        {
            if (!Values.TryGetInt(a[3], out end) || end < 0)
            {
                throw new MongoException(40097, $"{name} ending index must be a positive integral value: {a[3]}");
            }

            end = Math.Min(end, units.Length);
        }

        if (start > end || start > units.Length)
        {
            return BsonInt32.Create(-1);
        }

        for (int i = start; i + needle.Length <= end; i++)
        {
            if (units.AsSpan(i, needle.Length).SequenceEqual(needle))
            {
                return BsonInt32.Create(i);
            }
        }

        return BsonInt32.Create(-1);
    }

    private static readonly string DefaultTrimChars = "\0 \t\n\v\f\r\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";

    private static AggregationExpression CompileTrim(string name, BsonValue spec, CompileContext ctx, bool left, bool right)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(50696, $"{name} only supports an object as an argument, found: {Values.TypeName(spec)}");
        }

        var args = NamedArgs(name, spec, ["input", "chars"], [], 50694);
        if (!args.TryGetValue("input", out var inputSpec))
        {
            throw new MongoException(50695, $"{name} requires an 'input' parameter");
        }

        var input = Compile(inputSpec, ctx);
        var chars = args.TryGetValue("chars", out var c) ? Compile(c, ctx) : null;
        return new LazyExpression(s =>
        {
            var v = input.Evaluate(s);
            if (Values.IsNullish(v))
            {
                return BsonNull.Value;
            }

            if (v is not BsonString str)
            {
                throw new MongoException(50699, $"{name} requires its input to be a string, got {Values.Display(v)} (of type {Values.TypeName(v)}) instead.");
            }

            string set = DefaultTrimChars;
            if (chars is not null)
            {
                var cv = chars.Evaluate(s);
                if (Values.IsNullish(cv))
                {
                    return BsonNull.Value;
                }

                set = cv is BsonString cs ? cs.Value
                    : throw new MongoException(50700, $"{name} requires 'chars' to be a string, got {Values.Display(cv)} (of type {Values.TypeName(cv)}) instead.");
            }

            var runes = set.EnumerateRunes().ToHashSet();
            var text = str.Value.EnumerateRunes().ToList();
            int from = 0, to = text.Count;
            while (left && from < to && runes.Contains(text[from]))
            {
                from++;
            }

            while (right && to > from && runes.Contains(text[to - 1]))
            {
                to--;
            }

            var sb = new StringBuilder();
            for (int i = from; i < to; i++)
            {
                sb.Append(text[i].ToString());
            }

            return sb.ToString();
        });
    }

    private enum RegexMode { Match, Find, FindAll }

    private static AggregationExpression CompileRegex(string name, BsonValue spec, CompileContext ctx, RegexMode mode)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(51103, $"{name} expects an object of named arguments but found: {Values.TypeName(spec)}");
        }

        var args = NamedArgs(name, spec, ["input", "regex", "options"], [], 31024);
        if (!args.TryGetValue("input", out var inSpec))
        {
            throw new MongoException(31022, $"{name} requires 'input' parameter");
        }

        if (!args.TryGetValue("regex", out var reSpec))
        {
            throw new MongoException(31023, $"{name} requires 'regex' parameter");
        }

        var input = Compile(inSpec, ctx);
        var regex = Compile(reSpec, ctx);
        var options = args.TryGetValue("options", out var o) ? Compile(o, ctx) : null;
        var cache = new RegexCache();
        return new LazyExpression(s =>
        {
            var iv = input.Evaluate(s);
            var rv = regex.Evaluate(s);
            var ov = options?.Evaluate(s) ?? Values.Missing;
            string? pattern;
            string flags = string.Empty;
            switch (rv)
            {
                case BsonRegularExpression r:
                    pattern = r.Pattern;
                    flags = r.Options;
                    if (ov is BsonString && r.Options.Length > 0)
                    {
                        throw new MongoException(51075, $"{name}: regex option(s) specified in both 'regex' and 'option' fields");
                    }

                    break;
                case BsonString str:
                    pattern = str.Value;
                    break;
                default:
                    if (!Values.IsNullish(rv))
                    {
                        throw new MongoException(51105, $"{name} needs 'regex' to be of type string or regex");
                    }

                    pattern = null;
                    break;
            }

            if (ov is BsonString os)
            {
                flags = os.Value;
            }
            else if (!Values.IsNullish(ov))
            {
                throw new MongoException(51106, $"{name} needs 'options' to be of type string");
            }

            if (Values.IsNullish(iv) || pattern is null)
            {
                return mode switch { RegexMode.Match => BsonBoolean.False, RegexMode.Find => BsonNull.Value, _ => new BsonArray() };
            }

            if (iv is not BsonString text)
            {
                throw new MongoException(51104, $"{name} needs 'input' to be of type string");
            }

            var re = cache.Get(pattern, flags);
            switch (mode)
            {
                case RegexMode.Match:
                    return re.IsMatch(text.Value);
                case RegexMode.Find:
                    var m = re.Match(text.Value);
                    return m.Success ? MatchDocument(text.Value, m) : BsonNull.Value;
                default:
                    var all = new BsonArray();
                    foreach (Match mm in re.Matches(text.Value))
                    {
                        all.Add(MatchDocument(text.Value, mm));
                    }

                    return all;
            }
        });
    }

    private static BsonDocument MatchDocument(string input, Match m)
    {
        var captures = new BsonArray();
        for (int g = 1; g < m.Groups.Count; g++)
        {
            captures.Add(m.Groups[g].Success ? m.Groups[g].Value : BsonNull.Value);
        }

        return new BsonDocument
        {
            { "match", m.Value },
            { "idx", CodePointCount(input[..m.Index]) },
            { "captures", captures },
        };
    }

    private static AggregationExpression CompileReplace(string name, BsonValue spec, CompileContext ctx, bool all)
    {
        var args = NamedArgs(name, spec, ["input", "find", "replacement"], [], 51750);
        foreach (var r in new[] { "input", "find", "replacement" })
        {
            if (!args.ContainsKey(r))
            {
                throw new MongoException(51748, $"{name} requires '{r}' to be specified");
            }
        }

        var input = Compile(args["input"], ctx);
        var find = Compile(args["find"], ctx);
        var replacement = Compile(args["replacement"], ctx);
        return new LazyExpression(s =>
        {
            var i = input.Evaluate(s);
            var f = find.Evaluate(s);
            var r = replacement.Evaluate(s);
            foreach (var (what, v) in new[] { ("input", i), ("find", f), ("replacement", r) })
            {
                if (!Values.IsNullish(v) && v is not BsonString)
                {
                    throw new MongoException(51746, $"{name} requires that '{what}' be a string, found: {Values.Display(v)}");
                }
            }

            if (Values.IsNullish(i) || Values.IsNullish(f) || Values.IsNullish(r))
            {
                return BsonNull.Value;
            }

            string text = i.AsString, find1 = f.AsString, rep = r.AsString;
            if (all)
            {
                return find1.Length == 0 ? InsertEverywhere(text, rep) : text.Replace(find1, rep, StringComparison.Ordinal);
            }

            int at = text.IndexOf(find1, StringComparison.Ordinal);
            return at < 0 ? text : string.Concat(text.AsSpan(0, at), rep, text.AsSpan(at + find1.Length));
        });
    }

    private static string InsertEverywhere(string text, string rep)
    {
        var sb = new StringBuilder(rep);
        foreach (var rune in text.EnumerateRunes())
        {
            sb.Append(rune.ToString()).Append(rep);
        }

        return sb.ToString();
    }
}
