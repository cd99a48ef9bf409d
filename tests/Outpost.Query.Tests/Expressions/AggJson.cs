using System.Globalization;
using System.Text;
using Outpost.Bson;

namespace Outpost.Query.Tests;

/// <summary>
/// A small relaxed-JSON reader for compact test tables (mongo shell style): unquoted keys, single or double quotes,
/// ints (int32, or int64 when large), doubles (with '.' or exponent), NumberLong(..), NumberDecimal(".."), ISODate(".."),
/// ObjectId(".."), Timestamp(s, i), /re/flags, true/false/null, MinKey, MaxKey, undefined.
/// </summary>
internal static class AggJson
{
    public static BsonDocument Doc(string text) => (BsonDocument)Value(text);

    public static BsonArray Array(string text) => (BsonArray)Value(text);

    public static BsonValue Value(string text)
    {
        int pos = 0;
        var v = Parse(text, ref pos);
        Skip(text, ref pos);
        if (pos != text.Length)
        {
            throw new FormatException($"Trailing text at {pos}: {text[pos..]}");
        }

        return v;
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
            var doc = new BsonDocument();
            Skip(s, ref p);
            if (s[p] == '}')
            {
                p++;
                return doc;
            }

            while (true)
            {
                Skip(s, ref p);
                string key = s[p] is '"' or '\'' ? ReadString(s, ref p) : ReadIdent(s, ref p);
                Skip(s, ref p);
                Expect(s, ref p, ':');
                doc.Add(key, Parse(s, ref p));
                Skip(s, ref p);
                if (s[p] == ',')
                {
                    p++;
                    Skip(s, ref p);
                    if (s[p] == '}')
                    {
                        p++;
                        return doc;
                    }

                    continue;
                }

                Expect(s, ref p, '}');
                return doc;
            }
        }

        if (c == '[')
        {
            p++;
            var arr = new BsonArray();
            Skip(s, ref p);
            if (s[p] == ']')
            {
                p++;
                return arr;
            }

            while (true)
            {
                arr.Add(Parse(s, ref p));
                Skip(s, ref p);
                if (s[p] == ',')
                {
                    p++;
                    continue;
                }

                Expect(s, ref p, ']');
                return arr;
            }
        }

        if (c is '"' or '\'')
        {
            return ReadString(s, ref p);
        }

        if (c == '/')
        {
            int end = s.IndexOf('/', p + 1);
            string pattern = s[(p + 1)..end];
            p = end + 1;
            int fs = p;
            while (p < s.Length && char.IsAsciiLetter(s[p]))
            {
                p++;
            }

            return new BsonRegularExpression(pattern, s[fs..p]);
        }

        if (c == '-' || c == '+' || char.IsAsciiDigit(c))
        {
            int start = p;
            p++;
            while (p < s.Length && (char.IsAsciiDigit(s[p]) || s[p] is '.' or 'e' or 'E' or '-' or '+'))
            {
                p++;
            }

            string num = s[start..p];
            if (num.Contains('.') || num.Contains('e') || num.Contains('E'))
            {
                return double.Parse(num, CultureInfo.InvariantCulture);
            }

            long l = long.Parse(num, CultureInfo.InvariantCulture);
            return l is >= int.MinValue and <= int.MaxValue ? (BsonValue)(int)l : l;
        }

        string ident = ReadIdent(s, ref p);
        switch (ident)
        {
            case "true": return true;
            case "false": return false;
            case "null": return BsonNull.Value;
            case "undefined": return BsonUndefined.Value;
            case "MinKey": return BsonMinKey.Value;
            case "MaxKey": return BsonMaxKey.Value;
            case "Infinity": return double.PositiveInfinity;
            case "NaN": return double.NaN;
        }

        Skip(s, ref p);
        Expect(s, ref p, '(');
        var args = new List<BsonValue>();
        Skip(s, ref p);
        while (s[p] != ')')
        {
            args.Add(Parse(s, ref p));
            Skip(s, ref p);
            if (s[p] == ',')
            {
                p++;
            }
        }

        p++;
        return ident switch
        {
            "NumberLong" => args[0] is BsonString ls ? long.Parse(ls.Value, CultureInfo.InvariantCulture) : args[0].ToInt64(),
            "NumberInt" => (int)args[0].ToInt64(),
            "NumberDecimal" => Decimal128.Parse(args[0] is BsonString ds ? ds.Value : args[0].ToString()),
            "ISODate" => new BsonDateTime(DateTimeOffset.Parse(args[0].AsString, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)),
            "ObjectId" => ObjectId.Parse(args[0].AsString),
            "Timestamp" => new BsonTimestamp((uint)args[0].ToInt64(), (uint)args[1].ToInt64()),
            "Double" => args[0].ToDouble(),
            _ => throw new FormatException($"Unknown constructor {ident}"),
        };
    }

    private static void Expect(string s, ref int p, char c)
    {
        if (p >= s.Length || s[p] != c)
        {
            throw new FormatException($"Expected '{c}' at {p} in: {s}");
        }

        p++;
    }

    private static string ReadIdent(string s, ref int p)
    {
        int start = p;
        while (p < s.Length && (char.IsLetterOrDigit(s[p]) || s[p] is '_' or '$' or '.'))
        {
            p++;
        }

        if (p == start)
        {
            throw new FormatException($"Unexpected '{s[p]}' at {p} in: {s}");
        }

        return s[start..p];
    }

    private static string ReadString(string s, ref int p)
    {
        char q = s[p++];
        var sb = new StringBuilder();
        while (s[p] != q)
        {
            if (s[p] == '\\')
            {
                p++;
                sb.Append(s[p] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', 'u' => (char)Convert.ToInt32(s.Substring(p + 1, 4), 16), _ => s[p] });
                if (s[p] == 'u')
                {
                    p += 4;
                }
            }
            else
            {
                sb.Append(s[p]);
            }

            p++;
        }

        p++;
        return sb.ToString();
    }
}

/// <summary>Exact BSON comparison for tests: types must match (1 ≠ 1.0), field order matters, NaN equals NaN.</summary>
internal static class BsonAssert
{
    public static bool ExactlyEqual(BsonValue a, BsonValue b)
    {
        if (a.Type != b.Type)
        {
            return false;
        }

        switch (a)
        {
            case BsonDocument da:
                var db = (BsonDocument)b;
                if (da.ElementCount != db.ElementCount)
                {
                    return false;
                }

                for (int i = 0; i < da.ElementCount; i++)
                {
                    if (da.GetElement(i).Name != db.GetElement(i).Name || !ExactlyEqual(da[i], db[i]))
                    {
                        return false;
                    }
                }

                return true;
            case BsonArray aa:
                var ab = (BsonArray)b;
                if (aa.Count != ab.Count)
                {
                    return false;
                }

                for (int i = 0; i < aa.Count; i++)
                {
                    if (!ExactlyEqual(aa[i], ab[i]))
                    {
                        return false;
                    }
                }

                return true;
            case BsonDouble d when double.IsNaN(d.Value):
                return double.IsNaN(((BsonDouble)b).Value);
            case BsonDecimal128 m:
                return m.Value.ToString() == ((BsonDecimal128)b).Value.ToString();
            default:
                return a.Equals(b);
        }
    }

    public static void Equal(BsonValue expected, BsonValue actual)
    {
        if (!ExactlyEqual(expected, actual))
        {
            Assert.Fail($"Expected {Describe(expected)}\n  actual {Describe(actual)}");
        }
    }

    public static string Describe(BsonValue v) => v switch
    {
        BsonDocument d => "{ " + string.Join(", ", d.Select(e => $"{e.Name}: {Describe(e.Value)}")) + " }",
        BsonArray a => "[" + string.Join(", ", a.Select(Describe)) + "]",
        _ => $"{v}<{v.Type}>",
    };
}
