using System.Globalization;
using System.Text;

namespace Outpost.Bson.Json;

/// <summary>
/// A recursive-descent parser for Extended JSON v2 that also accepts mongosh conveniences: unquoted keys,
/// single-quoted strings, NaN/Infinity literals, and the helpers ObjectId("…"), ISODate("…"), NumberLong(…),
/// NumberInt(…), NumberDecimal("…"), Timestamp(t, i), and /pattern/flags regular-expression literals. Objects are parsed generically, then objects whose keys form an Extended JSON
/// wrapper (<c>$oid</c>, <c>$numberLong</c>, …) are converted, with the exact key set and value types validated.
/// Why not Utf8JsonReader: it cannot read the shell syntax, and one code path is simpler to keep exact.
/// </summary>
internal sealed class ExtendedJsonParser
{
    private readonly string _text;
    private readonly BsonJsonReaderOptions _options;
    private int _pos;
    private int _depth;

    internal ExtendedJsonParser(string text, BsonJsonReaderOptions options)
    {
        _text = text;
        _options = options;
    }

    internal BsonValue ParseSingleValue()
    {
        var value = ParseValue();
        SkipWhitespace();
        if (_pos < _text.Length)
        {
            throw Error($"Unexpected '{_text[_pos]}' after the end of the value");
        }

        return value;
    }

    private BsonValue ParseValue()
    {
        SkipWhitespace();
        if (_pos >= _text.Length)
        {
            throw Error("Unexpected end of input, expected a value");
        }

        char c = _text[_pos];
        switch (c)
        {
            case '{':
                return ParseObject();
            case '[':
                return ParseArray();
            case '"':
            case '\'':
                return new BsonString(ParseString());
            default:
                if (c == '-' || c == '+' || (c >= '0' && c <= '9') || c == '.')
                {
                    return ParseNumber();
                }

                if (IsIdentifierStart(c))
                {
                    return ParseIdentifierValue();
                }

                if (c == '/')
                {
                    return ParseRegexLiteral();
                }

                throw Error($"Unexpected character '{c}'");
        }
    }

    private BsonValue ParseObject()
    {
        int start = _pos;
        Enter();
        _pos++; // '{'
        var document = new BsonDocument();
        SkipWhitespace();
        if (Peek() == '}')
        {
            _pos++;
            _depth--;
            return document;
        }

        while (true)
        {
            SkipWhitespace();
            int keyPosition = _pos;
            string name = ParseKey();
            if (name.Contains('\0', StringComparison.Ordinal))
            {
                throw Error("A key contains a null character, which BSON cannot store", keyPosition);
            }

            SkipWhitespace();
            Expect(':');
            var value = ParseValue();
            document.Add(name, value);
            SkipWhitespace();
            char c = Peek();
            _pos++;
            if (c == '}')
            {
                break;
            }

            if (c != ',')
            {
                throw Error(c == '\0' ? "Unexpected end of input in an object" : $"Expected ',' or '}}' but found '{c}'", _pos - 1);
            }

            SkipWhitespace();
            if (Peek() == '}')
            {
                _pos++; // trailing comma, as the shell allows
                break;
            }
        }

        _depth--;
        return document.GetElement(0).Name.StartsWith('$') ? ConvertWrapper(document, start) : document;
    }

    private BsonArray ParseArray()
    {
        Enter();
        _pos++; // '['
        var array = new BsonArray();
        SkipWhitespace();
        if (Peek() == ']')
        {
            _pos++;
            _depth--;
            return array;
        }

        while (true)
        {
            array.Add(ParseValue());
            SkipWhitespace();
            char c = Peek();
            _pos++;
            if (c == ']')
            {
                break;
            }

            if (c != ',')
            {
                throw Error(c == '\0' ? "Unexpected end of input in an array" : $"Expected ',' or ']' but found '{c}'", _pos - 1);
            }

            SkipWhitespace();
            if (Peek() == ']')
            {
                _pos++;
                break;
            }
        }

        _depth--;
        return array;
    }

    private string ParseKey()
    {
        char c = Peek();
        if (c is '"' or '\'')
        {
            return ParseString();
        }

        int start = _pos;
        while (_pos < _text.Length && (IsIdentifierPart(_text[_pos]) || _text[_pos] == '.'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error(c == '\0' ? "Unexpected end of input, expected a key" : $"Expected a key but found '{c}'");
        }

        return _text[start.._pos];
    }

    private string ParseString()
    {
        char quote = _text[_pos++];
        int start = _pos;
        // Fast path: no escapes.
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == quote)
            {
                return _text[start.._pos++];
            }

            if (c == '\\')
            {
                break;
            }

            if (c < 0x20)
            {
                throw Error("Unescaped control character in a string");
            }

            _pos++;
        }

        var builder = new StringBuilder();
        builder.Append(_text, start, _pos - start);
        while (_pos < _text.Length)
        {
            char c = _text[_pos++];
            if (c == quote)
            {
                return builder.ToString();
            }

            if (c < 0x20)
            {
                throw Error("Unescaped control character in a string", _pos - 1);
            }

            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }

            if (_pos >= _text.Length)
            {
                break;
            }

            char e = _text[_pos++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\'': builder.Append('\''); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length || !ushort.TryParse(_text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort code))
                    {
                        throw Error("Invalid \\u escape", _pos - 2);
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    throw Error($"Invalid escape '\\{e}'", _pos - 2);
            }
        }

        throw Error("Unterminated string", start - 1);
    }

    private BsonValue ParseNumber()
    {
        int start = _pos;
        if (_text[_pos] is '-' or '+')
        {
            _pos++;
            if (_pos < _text.Length && _text[_pos] == 'I')
            {
                var word = ParseIdentifier();
                return word == "Infinity" ? (_text[start] == '-' ? double.NegativeInfinity : double.PositiveInfinity) : throw Error($"Unexpected '{word}'", start);
            }
        }

        bool isInteger = true;
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is >= '0' and <= '9')
            {
                _pos++;
            }
            else if (c is '.' or 'e' or 'E' || ((c is '+' or '-') && _text[_pos - 1] is 'e' or 'E'))
            {
                isInteger = false;
                _pos++;
            }
            else
            {
                break;
            }
        }

        var token = _text.AsSpan(start, _pos - start);
        if (isInteger)
        {
            if (int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i))
            {
                return BsonInt32.Create(i);
            }

            if (long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
            {
                return new BsonInt64(l);
            }
        }

        if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            return new BsonDouble(d);
        }

        throw Error($"Invalid number '{token}'", start);
    }

    private BsonValue ParseIdentifierValue()
    {
        int start = _pos;
        string word = ParseIdentifier();
        switch (word)
        {
            case "true": return BsonBoolean.True;
            case "false": return BsonBoolean.False;
            case "null": return BsonNull.Value;
            case "undefined": return BsonUndefined.Value;
            case "NaN": return new BsonDouble(double.NaN);
            case "Infinity": return new BsonDouble(double.PositiveInfinity);
            case "MinKey": return CallOrBare(BsonMinKey.Value);
            case "MaxKey": return CallOrBare(BsonMaxKey.Value);
            case "new":
                SkipWhitespace();
                return ParseIdentifierValue();
        }

        SkipWhitespace();
        if (Peek() != '(')
        {
            throw Error($"Unexpected '{word}'", start);
        }

        _pos++;
        SkipWhitespace();
        BsonValue? argument = Peek() == ')' ? null : ParseValue();
        SkipWhitespace();
        if (word == "Timestamp")
        {
            return ParseTimestampHelper(argument, start);
        }

        Expect(')');
        try
        {
            return word switch
            {
                "ObjectId" when argument is BsonString s => new BsonObjectId(ObjectId.Parse(s.Value)),
                "ObjectId" when argument is null => new BsonObjectId(ObjectId.GenerateNewId()),
                "ISODate" or "Date" when argument is BsonString s => new BsonDateTime(ParseIsoDate(s.Value, start)),
                "ISODate" or "Date" when argument is BsonInt32 or BsonInt64 or BsonDouble => new BsonDateTime(argument.ToInt64()),
                "NumberLong" when argument is BsonString s => new BsonInt64(long.Parse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                "NumberLong" when argument is BsonInt32 or BsonInt64 => new BsonInt64(argument.ToInt64()),
                "NumberInt" when argument is BsonString s => BsonInt32.Create(int.Parse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
                "NumberInt" when argument is BsonInt32 i => i,
                "NumberDecimal" when argument is BsonString s => new BsonDecimal128(Decimal128.Parse(s.Value)),
                "NumberDecimal" when argument is BsonInt32 or BsonInt64 => new BsonDecimal128(argument.ToInt64()),
                "UUID" when argument is BsonString s => BsonBinary.FromGuid(Guid.Parse(s.Value)),
                _ => throw Error($"Unsupported helper {word}(…)", start),
            };
        }
        catch (FormatException e) when (e is not BsonJsonException)
        {
            throw Error($"Invalid argument to {word}(…): {e.Message}", start);
        }
        catch (OverflowException e)
        {
            throw Error($"Invalid argument to {word}(…): {e.Message}", start);
        }
    }

    // mongosh's Timestamp(t, i): the first argument is already parsed; read ", i)".
    private BsonTimestamp ParseTimestampHelper(BsonValue? seconds, int start)
    {
        Expect(',');
        BsonValue increment = ParseValue();
        SkipWhitespace();
        Expect(')');
        if (seconds is not (BsonInt32 or BsonInt64) || increment is not (BsonInt32 or BsonInt64))
        {
            throw Error("Timestamp(t, i) takes two integers", start);
        }

        return new BsonTimestamp(ToUInt32(seconds, start), ToUInt32(increment, start));
    }

    // A JavaScript regular-expression literal as mongosh accepts it: /pattern/flags. The pattern runs to the first
    // unescaped '/' outside a [...] class; escapes are kept as written (they belong to the regex, not to JSON).
    private BsonRegularExpression ParseRegexLiteral()
    {
        int start = _pos++;
        var pattern = new StringBuilder();
        bool inClass = false;
        while (true)
        {
            if (_pos >= _text.Length || _text[_pos] is '\n' or '\r')
            {
                throw Error("Unterminated regular expression literal", start);
            }

            char c = _text[_pos++];
            if (c == '\\' && _pos < _text.Length)
            {
                pattern.Append(c).Append(_text[_pos++]);
                continue;
            }

            if (c == '/' && !inClass)
            {
                break;
            }

            inClass = c == '[' ? true : c == ']' ? false : inClass;
            pattern.Append(c);
        }

        int flagsStart = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
        {
            _pos++;
        }

        // BSON stores options sorted alphabetically; unknown letters are rejected like the BSON corpus does.
        var flags = _text.AsSpan(flagsStart, _pos - flagsStart).ToArray();
        Array.Sort(flags);
        foreach (char f in flags)
        {
            if (f is not ('i' or 'l' or 'm' or 's' or 'u' or 'x'))
            {
                throw Error($"Invalid regular expression flag '{f}'", flagsStart);
            }
        }

        return new BsonRegularExpression(pattern.ToString(), new string(flags));
    }

    private BsonValue CallOrBare(BsonValue value)
    {
        SkipWhitespace();
        if (Peek() == '(')
        {
            _pos++;
            SkipWhitespace();
            Expect(')');
        }

        return value;
    }

    private string ParseIdentifier()
    {
        int start = _pos;
        while (_pos < _text.Length && IsIdentifierPart(_text[_pos]))
        {
            _pos++;
        }

        return _text[start.._pos];
    }

    private BsonValue ConvertWrapper(BsonDocument document, int position)
    {
        string first = document.GetElement(0).Name;
        if (first.Length == 0 || first[0] != '$')
        {
            return document;
        }

        var value = document.GetElement(0).Value;
        int count = document.ElementCount;
        switch (first)
        {
            case "$oid":
                Require(count == 1 && value is BsonString, "$oid must be the only key and hold a string", position);
                return ObjectId.TryParse(((BsonString)value).Value, out var id) ? new BsonObjectId(id) : throw Error("$oid must be 24 hexadecimal digits", position);
            case "$symbol":
                Require(count == 1 && value is BsonString, "$symbol must be the only key and hold a string", position);
                return new BsonSymbol(((BsonString)value).Value);
            case "$numberInt":
                Require(count == 1 && value is BsonString, "$numberInt must be the only key and hold a string", position);
                return int.TryParse(((BsonString)value).Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i)
                    ? BsonInt32.Create(i) : throw Error("$numberInt is not a 32-bit integer", position);
            case "$numberLong":
                Require(count == 1 && value is BsonString, "$numberLong must be the only key and hold a string", position);
                return long.TryParse(((BsonString)value).Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l)
                    ? new BsonInt64(l) : throw Error("$numberLong is not a 64-bit integer", position);
            case "$numberDouble":
                Require(count == 1 && value is BsonString, "$numberDouble must be the only key and hold a string", position);
                return new BsonDouble(ParseDoubleText(((BsonString)value).Value, position));
            case "$numberDecimal":
                Require(count == 1 && value is BsonString, "$numberDecimal must be the only key and hold a string", position);
                return Decimal128.TryParse(((BsonString)value).Value, out var dec)
                    ? new BsonDecimal128(dec) : throw Error("$numberDecimal is not a decimal128 value", position);
            case "$binary":
                return ConvertBinary(document, position);
            case "$uuid":
                Require(count == 1 && value is BsonString, "$uuid must be the only key and hold a string", position);
                return Guid.TryParseExact(((BsonString)value).Value, "D", out var guid)
                    ? BsonBinary.FromGuid(guid) : throw Error("$uuid must be a UUID in 8-4-4-4-12 hexadecimal form", position);
            case "$code":
            case "$scope":
                return ConvertCode(document, position);
            case "$timestamp":
                return ConvertTimestamp(document, position);
            case "$regularExpression":
            {
                Require(count == 1 && value is BsonDocument { ElementCount: 2 }, "$regularExpression must be the only key and hold {pattern, options}", position);
                var body = (BsonDocument)value;
                const string Needs = "$regularExpression needs string 'pattern' and 'options'";
                return MakeRegex(Field<BsonString>(body, "pattern", Needs, position).Value, Field<BsonString>(body, "options", Needs, position).Value, position);
            }

            case "$regex" when _options.AllowLegacyExtendedJson && value is BsonString legacyPattern:
            {
                string options = "";
                if (count == 2)
                {
                    var second = document.GetElement(1);
                    Require(second.Name == "$options" && second.Value is BsonString, "legacy $regex allows only a string $options", position);
                    options = ((BsonString)second.Value).Value;
                }
                else
                {
                    Require(count == 1, "legacy $regex allows only a string $options", position);
                }

                return MakeRegex(legacyPattern.Value, options, position);
            }

            case "$dbPointer":
            {
                Require(count == 1 && value is BsonDocument { ElementCount: 2 }, "$dbPointer must be the only key and hold {$ref, $id}", position);
                var body = (BsonDocument)value;
                const string Needs = "$dbPointer needs a string $ref and an ObjectId $id";
                return new BsonDBPointer(Field<BsonString>(body, "$ref", Needs, position).Value, Field<BsonObjectId>(body, "$id", Needs, position).Value);
            }

            case "$date":
                Require(count == 1, "$date must be the only key", position);
                return value switch
                {
                    BsonString s => new BsonDateTime(ParseIsoDate(s.Value, position)),
                    BsonInt64 ms => new BsonDateTime(ms.Value),
                    BsonInt32 or BsonDouble when _options.AllowLegacyExtendedJson => new BsonDateTime(value.ToInt64()),
                    _ => throw Error("$date must hold an ISO-8601 string or {\"$numberLong\": \"…\"}", position),
                };
            case "$minKey":
                Require(count == 1 && value is BsonInt32 { Value: 1 }, "$minKey must be the only key and hold 1", position);
                return BsonMinKey.Value;
            case "$maxKey":
                Require(count == 1 && value is BsonInt32 { Value: 1 }, "$maxKey must be the only key and hold 1", position);
                return BsonMaxKey.Value;
            case "$undefined":
                Require(count == 1 && value is BsonBoolean { Value: true }, "$undefined must be the only key and hold true", position);
                return BsonUndefined.Value;
            default:
                // $type (query operator) with a legacy $binary after it.
                if (first == "$type" && count == 2 && document.GetElement(1).Name == "$binary")
                {
                    return ConvertBinary(document, position);
                }

                return document;
        }
    }

    private BsonValue ConvertBinary(BsonDocument document, int position)
    {
        var payload = document["$binary"];
        if (payload is BsonDocument body)
        {
            Require(document.ElementCount == 1 && body.ElementCount == 2, "$binary must be the only key and hold {base64, subType}", position);
            const string Needs = "$binary needs string 'base64' and 'subType'";
            return MakeBinary(Field<BsonString>(body, "base64", Needs, position).Value, Field<BsonString>(body, "subType", Needs, position).Value, position);
        }

        Require(_options.AllowLegacyExtendedJson && payload is BsonString && document.ElementCount == 2 && document.TryGetValue("$type", out var type) && type is BsonString,
            "$binary must hold {base64, subType}", position);
        return MakeBinary(((BsonString)payload).Value, ((BsonString)document["$type"]).Value, position);
    }

    private BsonBinary MakeBinary(string base64, string subType, int position)
    {
        if (subType.Length is < 1 or > 2 || !byte.TryParse(subType, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out byte kind))
        {
            throw Error("$binary subType must be one or two hexadecimal digits", position);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw Error("$binary base64 is not valid padded base64", position);
        }

        return BsonBinary.FromOwnedArray(bytes, (BsonBinarySubType)kind);
    }

    private BsonValue ConvertCode(BsonDocument document, int position)
    {
        Require(document.TryGetValue("$code", out var code) && code is BsonString, "$code must hold a string", position);
        if (document.ElementCount == 1)
        {
            return new BsonJavaScript(((BsonString)code!).Value);
        }

        Require(document.ElementCount == 2 && document.TryGetValue("$scope", out var scope) && scope is BsonDocument,
            "$code allows only a document $scope beside it", position);
        return new BsonJavaScriptWithScope(((BsonString)code!).Value, (BsonDocument)document["$scope"]);
    }

    private BsonTimestamp ConvertTimestamp(BsonDocument document, int position)
    {
        Require(document.ElementCount == 1 && document[0] is BsonDocument { ElementCount: 2 }, "$timestamp must be the only key and hold {t, i}", position);
        var body = (BsonDocument)document[0];
        const string Needs = "$timestamp needs 't' and 'i'";
        return new BsonTimestamp(ToUInt32(Field<BsonValue>(body, "t", Needs, position), position), ToUInt32(Field<BsonValue>(body, "i", Needs, position), position));
    }

    private uint ToUInt32(BsonValue value, int position) => value switch
    {
        BsonInt32 { Value: >= 0 } v => (uint)v.Value,
        BsonInt64 { Value: >= 0 and <= uint.MaxValue } v => (uint)v.Value,
        _ => throw Error("$timestamp 't' and 'i' must be unsigned 32-bit integers", position),
    };

    private BsonRegularExpression MakeRegex(string pattern, string options, int position)
    {
        if (pattern.Contains('\0', StringComparison.Ordinal) || options.Contains('\0', StringComparison.Ordinal))
        {
            throw Error("A regular expression contains a null character, which BSON cannot store", position);
        }

        // Canonical BSON keeps regex options in alphabetical order.
        char[] letters = options.ToCharArray();
        Array.Sort(letters);
        return new BsonRegularExpression(pattern, new string(letters));
    }

    private double ParseDoubleText(string text, int position) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] is '-' or '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
            ? d
            : throw Error($"$numberDouble '{text}' is not a number", position),
    };

    private long ParseIsoDate(string text, int position)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date))
        {
            return date.ToUnixTimeMilliseconds();
        }

        throw Error($"'{text}' is not an ISO-8601 date", position);
    }

    private T Field<T>(BsonDocument body, string name, string message, int position)
        where T : BsonValue =>
        body.TryGetValue(name, out var value) && value is T typed ? typed : throw Error(message, position);

    private void Require(bool condition, string message, int position)
    {
        if (!condition)
        {
            throw Error(message, position);
        }
    }

    private void Enter()
    {
        if (++_depth > _options.MaxDepth)
        {
            throw Error($"Nesting deeper than {_options.MaxDepth} levels");
        }
    }

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Error(_pos >= _text.Length ? $"Unexpected end of input, expected '{c}'" : $"Expected '{c}' but found '{_text[_pos]}'");
        }

        _pos++;
    }

    private char Peek() => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
            else if (c == '/' && _pos + 1 < _text.Length && _text[_pos + 1] == '/')
            {
                int end = _text.IndexOf('\n', _pos);
                _pos = end < 0 ? _text.Length : end;
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c is '_' or '$';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '$';

    private BsonJsonException Error(string message) => Error(message, _pos);

    private BsonJsonException Error(string message, int position)
    {
        position = Math.Min(position, _text.Length);
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < position; i++)
        {
            if (_text[i] == '\n')
            {
                line++;
                lineStart = i + 1;
            }
        }

        return new BsonJsonException(message, position, line, position - lineStart + 1);
    }
}
