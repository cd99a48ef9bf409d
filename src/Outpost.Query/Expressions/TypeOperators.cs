using System.Globalization;
using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>$type, $isNumber, $convert (with onError/onNull) and the $toX shorthands.</summary>
internal static class TypeOperators
{
    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        Eager(ops, "$type", 1, 1, (_, a, _) => Values.TypeName(a[0]));
        Eager(ops, "$isNumber", 1, 1, (_, a, _) => a[0].IsNumeric);
        foreach (var (op, target) in new[]
                 {
                     ("$toInt", BsonType.Int32), ("$toLong", BsonType.Int64), ("$toDouble", BsonType.Double), ("$toDecimal", BsonType.Decimal128),
                     ("$toString", BsonType.String), ("$toDate", BsonType.DateTime), ("$toObjectId", BsonType.ObjectId), ("$toBool", BsonType.Boolean),
                 })
        {
            Eager(ops, op, 1, 1, (_, a, _) => Values.IsNullish(a[0]) ? BsonNull.Value : Convert(a[0], target));
        }

        ops["$convert"] = CompileConvert;
    }

    private static AggregationExpression CompileConvert(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "$convert expects an object of named arguments but found: " + Values.TypeName(spec));
        }

        var args = NamedArgs(name, spec, ["input", "to", "onError", "onNull", "format", "base"], [], ErrorCodes.FailedToParse);
        if (!args.TryGetValue("input", out var inSpec))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "Missing 'input' parameter to $convert");
        }

        if (!args.TryGetValue("to", out var toSpec))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "Missing 'to' parameter to $convert");
        }

        var input = Compile(inSpec, ctx);
        var to = Compile(toSpec, ctx);
        var onError = args.TryGetValue("onError", out var oe) ? Compile(oe, ctx) : null;
        var onNull = args.TryGetValue("onNull", out var on) ? Compile(on, ctx) : null;
        return new LazyExpression(s =>
        {
            var iv = input.Evaluate(s);
            var tv = to.Evaluate(s);
            if (Values.IsNullish(tv))
            {
                return BsonNull.Value;
            }

            var target = ParseTargetType(tv);
            if (Values.IsNullish(iv))
            {
                return onNull is null ? BsonNull.Value : onNull.Evaluate(s);
            }

            try
            {
                return Convert(iv, target);
            }
            catch (MongoException ex) when (ex.Code == ErrorCodes.ConversionFailure && onError is not null)
            {
                return onError.Evaluate(s);
            }
        });
    }

    private static BsonType ParseTargetType(BsonValue v)
    {
        if (v is BsonString s)
        {
            return s.Value switch
            {
                "double" => BsonType.Double,
                "string" => BsonType.String,
                "objectId" => BsonType.ObjectId,
                "bool" => BsonType.Boolean,
                "date" => BsonType.DateTime,
                "int" => BsonType.Int32,
                "long" => BsonType.Int64,
                "decimal" => BsonType.Decimal128,
                "object" => BsonType.Document,
                "array" => BsonType.Array,
                "binData" => BsonType.Binary,
                "null" => BsonType.Null,
                "regex" => BsonType.RegularExpression,
                "timestamp" => BsonType.Timestamp,
                "minKey" => BsonType.MinKey,
                "maxKey" => BsonType.MaxKey,
                _ => throw new MongoException(ErrorCodes.BadValue, $"Unknown type name: {s.Value}"),
            };
        }

        if (v.IsNumeric && Values.TryGetInt(v, out int code) && Enum.IsDefined(typeof(BsonType), code == 255 ? -1 : code))
        {
            return (BsonType)(code == 255 ? -1 : code);
        }

        throw new MongoException(ErrorCodes.FailedToParse, $"$convert's 'to' argument must be a string or number, but is {Values.TypeName(v)}");
    }

    private static MongoException Unsupported(BsonValue v, BsonType target) =>
        new(ErrorCodes.ConversionFailure, $"Unsupported conversion from {Values.TypeName(v)} to {Values.TypeName(target)} in $convert with no onError value");

    private static MongoException Failed(string what) =>
        new(ErrorCodes.ConversionFailure, $"Failed to parse number '{what}' in $convert with no onError value");

    /// <summary>Converts a non-null value to <paramref name="target"/>; failures are ConversionFailure (241).</summary>
    public static BsonValue Convert(BsonValue v, BsonType target)
    {
        if (v.Type == target && target != BsonType.Double)
        {
            return v;
        }

        switch (target)
        {
            case BsonType.Double:
                return v switch
                {
                    BsonDouble => v,
                    BsonInt32 or BsonInt64 => new BsonDouble(v.ToDouble()),
                    BsonDecimal128 m => DecimalToDouble(m.Value, v),
                    BsonBoolean b => new BsonDouble(b.Value ? 1 : 0),
                    BsonDateTime d => new BsonDouble(d.MillisecondsSinceEpoch),
                    BsonString s => ParseDouble(s.Value),
                    _ => throw Unsupported(v, target),
                };
            case BsonType.Int32:
            case BsonType.Int64:
            {
                bool isInt = target == BsonType.Int32;
                long l;
                switch (v)
                {
                    case BsonInt32 i: l = i.Value; break;
                    case BsonInt64 x: l = x.Value; break;
                    case BsonBoolean b: l = b.Value ? 1 : 0; break;
                    case BsonDateTime d when !isInt: l = d.MillisecondsSinceEpoch; break;
                    case BsonDouble d:
                        if (!double.IsFinite(d.Value) || Math.Truncate(d.Value) < (isInt ? int.MinValue : -9.2233720368547758E18)
                            || Math.Truncate(d.Value) >= (isInt ? 2147483648.0 : 9.2233720368547758E18))
                        {
                            throw new MongoException(ErrorCodes.ConversionFailure, $"Conversion would overflow target type in $convert with no onError value: {StringOperators.FormatDouble(d.Value)}");
                        }

                        l = (long)Math.Truncate(d.Value);
                        break;
                    case BsonDecimal128 m:
                        var t = m.Value.Truncate(0);
                        if (m.Value.IsNaN || m.Value.IsInfinity || t.CompareTo((Decimal128)long.MinValue) < 0 || t.CompareTo((Decimal128)long.MaxValue) > 0)
                        {
                            throw new MongoException(ErrorCodes.ConversionFailure, $"Conversion would overflow target type in $convert with no onError value: {m.Value}");
                        }

                        l = t.ToInt64();
                        break;
                    case BsonString s:
                        if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l))
                        {
                            throw Failed(s.Value);
                        }

                        if (isInt && l is < int.MinValue or > int.MaxValue)
                        {
                            throw Failed(s.Value);
                        }

                        break;
                    default:
                        throw Unsupported(v, target);
                }

                if (isInt)
                {
                    if (l is < int.MinValue or > int.MaxValue)
                    {
                        throw new MongoException(ErrorCodes.ConversionFailure, $"Conversion would overflow target type in $convert with no onError value: {l}");
                    }

                    return BsonInt32.Create((int)l);
                }

                return new BsonInt64(l);
            }

            case BsonType.Decimal128:
                return v switch
                {
                    BsonInt32 or BsonInt64 or BsonDouble => new BsonDecimal128(Values.ToDecimal(v)),
                    BsonBoolean b => new BsonDecimal128(b.Value ? Decimal128.One : Decimal128.Zero),
                    BsonDateTime d => new BsonDecimal128(d.MillisecondsSinceEpoch),
                    BsonString s => Decimal128.TryParse(s.Value, out var dm) ? new BsonDecimal128(dm) : throw Failed(s.Value),
                    _ => throw Unsupported(v, target),
                };
            case BsonType.String:
                return v switch
                {
                    BsonBoolean b => b.Value ? "true" : "false",
                    BsonObjectId o => o.Value.ToString(),
                    BsonDouble d => DoubleFormatter.Format(d.Value),
                    BsonString or BsonInt32 or BsonInt64 or BsonDecimal128 or BsonDateTime or BsonSymbol => StringOperators.CoerceToString(v, "$convert"),
                    _ => throw Unsupported(v, target),
                };
            case BsonType.Boolean:
                return v switch
                {
                    BsonString or BsonObjectId or BsonDateTime or BsonDocument or BsonArray or BsonBinary or BsonRegularExpression or BsonTimestamp
                        or BsonMinKey or BsonMaxKey or BsonJavaScript => BsonBoolean.True,
                    _ when v.IsNumeric => Values.IsTrue(v),
                    _ => throw Unsupported(v, target),
                };
            case BsonType.ObjectId:
                return v is BsonString os
                    ? (os.Value.Length == 24 && ObjectId.TryParse(os.Value, out var oid) ? new BsonObjectId(oid)
                        : throw new MongoException(ErrorCodes.ConversionFailure, $"Failed to parse objectId '{os.Value}' in $convert with no onError value: Invalid string length for parsing to OID, expected 24 but found {os.Value.Length}"))
                    : throw Unsupported(v, target);
            case BsonType.DateTime:
                return v switch
                {
                    BsonInt64 l => new BsonDateTime(l.Value),
                    BsonDouble d when double.IsFinite(d.Value) => new BsonDateTime((long)Math.Truncate(d.Value)),
                    BsonDecimal128 m when !m.Value.IsNaN && !m.Value.IsInfinity => new BsonDateTime(m.Value.Truncate(0).ToInt64()),
                    BsonObjectId or BsonTimestamp => new BsonDateTime(DateOperators.ToMillis(v)),
                    BsonString s => new BsonDateTime(DateStringParser.Parse(s.Value, null, TimeZoneSpec.Utc)),
                    _ => throw Unsupported(v, target),
                };
            default:
                throw Unsupported(v, target);
        }
    }

    private static BsonValue DecimalToDouble(Decimal128 m, BsonValue original)
    {
        double d = m.ToDouble();
        if (double.IsInfinity(d) && !m.IsInfinity)
        {
            throw new MongoException(ErrorCodes.ConversionFailure, $"Conversion would overflow target type in $convert with no onError value: {original}");
        }

        return new BsonDouble(d);
    }

    private static BsonDouble ParseDouble(string s)
    {
        switch (s)
        {
            case "NaN" or "nan": return new BsonDouble(double.NaN);
            case "Infinity" or "inf" or "infinity": return new BsonDouble(double.PositiveInfinity);
            case "-Infinity" or "-inf" or "-infinity": return new BsonDouble(double.NegativeInfinity);
        }

        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || s.Trim() != s
            || !double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
        {
            throw Failed(s);
        }

        return new BsonDouble(d);
    }
}
