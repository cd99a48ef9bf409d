using System.Globalization;
using Outpost.Bson;

namespace Outpost.Query.Tests.Support;

/// <summary>
/// A tiny relaxed-JSON reader for test tables ({ a: 1, 'b': [1.5, "x"], c: null }) until BsonDocument.Parse lands.
/// Numbers: int32 when they fit, else int64; a '.' or exponent makes a double; suffix 'L' forces int64, 'm' decimal128.
/// Also: /pattern/flags regexes, MinKey, MaxKey, undefined, NaN, Date(ms).
/// </summary>
public static class J
{
    public static BsonDocument Doc(string json) => (BsonDocument)Value(json);

    public static BsonValue Value(string json)
    {
        int pos = 0;
        var v = Parse(json, ref pos);
        Skip(json, ref pos);
        return pos == json.Length ? v : throw new FormatException($"Trailing text at {pos} in {json}");
    }

    private static void Skip(string s, ref int p)
    {
        while (p < s.Length && char.IsWhiteSpace(s[p]))
        {
            p++;
        }
    }

    private static BsonValue Parse(string s, ref int p)
    {
        Skip(s, ref p);
        char c = s[p];
        if (c == '{')
        {
            p++;
            var d = new BsonDocument();
            Skip(s, ref p);
            while (s[p] != '}')
            {
                string key = s[p] is '"' or '\'' ? ReadString(s, ref p) : ReadWord(s, ref p);
                Skip(s, ref p);
                if (s[p++] != ':')
                {
                    throw new FormatException($"':' expected at {p} in {s}");
                }

                d.Add(key, Parse(s, ref p));
                Skip(s, ref p);
                if (s[p] == ',')
                {
                    p++;
                    Skip(s, ref p);
                }
            }

            p++;
            return d;
        }

        if (c == '[')
        {
            p++;
            var a = new BsonArray();
            Skip(s, ref p);
            while (s[p] != ']')
            {
                a.Add(Parse(s, ref p));
                Skip(s, ref p);
                if (s[p] == ',')
                {
                    p++;
                    Skip(s, ref p);
                }
            }

            p++;
            return a;
        }

        if (c is '"' or '\'')
        {
            return new BsonString(ReadString(s, ref p));
        }

        if (c == '/')
        {
            int end = s.IndexOf('/', p + 1);
            string pattern = s[(p + 1)..end];
            p = end + 1;
            int f = p;
            while (p < s.Length && char.IsLetter(s[p]))
            {
                p++;
            }

            return new BsonRegularExpression(pattern, s[f..p]);
        }

        string word = ReadWord(s, ref p);
        switch (word)
        {
            case "true": return BsonBoolean.True;
            case "false": return BsonBoolean.False;
            case "null": return BsonNull.Value;
            case "undefined": return BsonUndefined.Value;
            case "MinKey": return BsonMinKey.Value;
            case "MaxKey": return BsonMaxKey.Value;
            case "NaN": return new BsonDouble(double.NaN);
            case "Infinity": return new BsonDouble(double.PositiveInfinity);
        }

        if (word == "Date")
        {
            p++; // (
            int close = s.IndexOf(')', p);
            long ms = long.Parse(s[p..close], CultureInfo.InvariantCulture);
            p = close + 1;
            return new BsonDateTime(ms);
        }

        if (word.EndsWith('L'))
        {
            return new BsonInt64(long.Parse(word[..^1], CultureInfo.InvariantCulture));
        }

        if (word.EndsWith('m'))
        {
            return new BsonDecimal128(Decimal128.Parse(word[..^1]));
        }

        if (word.Contains('.') || word.Contains('e') || word.Contains('E'))
        {
            return new BsonDouble(double.Parse(word, CultureInfo.InvariantCulture));
        }

        long l = long.Parse(word, CultureInfo.InvariantCulture);
        return l is >= int.MinValue and <= int.MaxValue ? BsonInt32.Create((int)l) : new BsonInt64(l);
    }

    private static string ReadWord(string s, ref int p)
    {
        int start = p;
        while (p < s.Length && (char.IsLetterOrDigit(s[p]) || s[p] is '$' or '_' or '.' or '-' or '+'))
        {
            p++;
        }

        return start == p ? throw new FormatException($"Unexpected '{s[p]}' at {p} in {s}") : s[start..p];
    }

    private static string ReadString(string s, ref int p)
    {
        char q = s[p++];
        var sb = new System.Text.StringBuilder();
        while (s[p] != q)
        {
            if (s[p] == '\\')
            {
                p++;
            }

            sb.Append(s[p++]);
        }

        p++;
        return sb.ToString();
    }
}
