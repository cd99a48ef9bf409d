using System.Globalization;
using Outpost.Bson;
using static Outpost.Query.Expressions.ExpressionCompiler;

namespace Outpost.Query.Expressions;

/// <summary>The date family: parts, $dateToString/$dateFromString, $dateToParts/$dateFromParts, $dateAdd/$dateSubtract/$dateDiff/$dateTrunc.</summary>
internal static class DateOperators
{
    private const long MsPerDay = 86_400_000;

    public static void Register(Dictionary<string, OperatorParser> ops)
    {
        RegisterPart(ops, "$year", p => p.Year is >= int.MinValue and <= int.MaxValue ? BsonInt32.Create((int)p.Year) : new BsonInt64(p.Year));
        RegisterPart(ops, "$month", p => p.Month);
        RegisterPart(ops, "$dayOfMonth", p => p.Day);
        RegisterPart(ops, "$dayOfYear", p => p.DayOfYear);
        RegisterPart(ops, "$dayOfWeek", p => p.DayOfWeekSunday1);
        RegisterPart(ops, "$hour", p => p.Hour);
        RegisterPart(ops, "$minute", p => p.Minute);
        RegisterPart(ops, "$second", p => p.Second);
        RegisterPart(ops, "$millisecond", p => p.Millisecond);
        RegisterPart(ops, "$week", p => p.SundayWeek);
        RegisterPart(ops, "$isoWeek", p => p.IsoWeek.Week);
        RegisterPart(ops, "$isoWeekYear", p => new BsonInt64(p.IsoWeek.Year));
        RegisterPart(ops, "$isoDayOfWeek", p => p.IsoDayOfWeek);
        ops["$dateToString"] = CompileDateToString;
        ops["$dateFromString"] = CompileDateFromString;
        ops["$dateToParts"] = CompileDateToParts;
        ops["$dateFromParts"] = CompileDateFromParts;
        ops["$dateAdd"] = (n, s, c) => CompileDateAdd(n, s, c, 1);
        ops["$dateSubtract"] = (n, s, c) => CompileDateAdd(n, s, c, -1);
        ops["$dateDiff"] = CompileDateDiff;
        ops["$dateTrunc"] = CompileDateTrunc;
    }

    /// <summary>Dates, timestamps and ObjectIds give an instant; anything else fails with code 16006.</summary>
    public static long ToMillis(BsonValue v) => v switch
    {
        BsonDateTime d => d.MillisecondsSinceEpoch,
        BsonTimestamp t => t.Seconds * 1000L,
        BsonObjectId o => o.Value.Timestamp * 1000L,
        _ => throw new MongoException(16006, $"can't convert from BSON type {Values.TypeName(v)} to Date"),
    };

    private static TimeZoneSpec? EvalZone(AggregationExpression? tz, ExpressionScope s, out bool isNull)
    {
        isNull = false;
        if (tz is null)
        {
            return TimeZoneSpec.Utc;
        }

        var v = tz.Evaluate(s);
        if (Values.IsNullish(v))
        {
            isNull = true;
            return null;
        }

        return v is BsonString str ? TimeZoneSpec.Parse(str.Value)
            : throw new MongoException(40517, $"timezone must evaluate to a string, found {Values.TypeName(v)}");
    }

    private static void RegisterPart(Dictionary<string, OperatorParser> ops, string name, Func<DateParts, BsonValue> part)
    {
        ops[name] = (n, spec, ctx) =>
        {
            AggregationExpression date;
            AggregationExpression? tz = null;
            if (spec is BsonDocument doc && !(doc.ElementCount > 0 && doc.GetElement(0).Name.StartsWith('$')))
            {
                var args = NamedArgs(n, doc, ["date", "timezone"], [], 40535);
                if (!args.TryGetValue("date", out var d))
                {
                    throw new MongoException(40539, $"missing 'date' argument to {n}, provided: {doc}");
                }

                date = Compile(d, ctx);
                tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
            }
            else
            {
                date = CompileArgs(n, spec, ctx, 1, 1)[0];
            }

            return new LazyExpression(s =>
            {
                var v = date.Evaluate(s);
                var zone = EvalZone(tz, s, out bool zoneNull);
                if (Values.IsNullish(v) || zoneNull)
                {
                    return BsonNull.Value;
                }

                return part(DateParts.From(ToMillis(v), zone!));
            });
        };
    }

    private static AggregationExpression CompileDateToString(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(18629, "$dateToString only supports an object as its argument");
        }

        var args = NamedArgs(name, spec, ["date", "format", "timezone", "onNull"], [], 18534);
        if (!args.TryGetValue("date", out var dateSpec))
        {
            throw new MongoException(18628, "Missing 'date' parameter to $dateToString");
        }

        var date = Compile(dateSpec, ctx);
        var format = args.TryGetValue("format", out var f) ? Compile(f, ctx) : null;
        if (format is ConstantExpression { Value: BsonString fs })
        {
            DateFormatter.Validate(fs.Value);
        }

        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        var onNull = args.TryGetValue("onNull", out var on) ? Compile(on, ctx) : null;
        return new LazyExpression(s =>
        {
            string? fmt = null;
            if (format is not null)
            {
                var fv = format.Evaluate(s);
                if (Values.IsNullish(fv))
                {
                    return BsonNull.Value;
                }

                fmt = fv is BsonString str ? str.Value : throw new MongoException(18533, $"$dateToString requires that 'format' be a string, found: {Values.TypeName(fv)} with value {fv}");
            }

            var zone = EvalZone(tz, s, out bool zoneNull);
            if (zoneNull)
            {
                return BsonNull.Value;
            }

            var v = date.Evaluate(s);
            if (Values.IsNullish(v))
            {
                return onNull is null ? BsonNull.Value : onNull.Evaluate(s);
            }

            // MongoDB 7.0: without a format, a non-UTC zone drops the trailing 'Z'.
            fmt ??= zone!.IsUtc ? "%Y-%m-%dT%H:%M:%S.%LZ" : "%Y-%m-%dT%H:%M:%S.%L";
            return DateFormatter.Format(fmt, ToMillis(v), zone!);
        });
    }

    private static AggregationExpression CompileDateFromString(string name, BsonValue spec, CompileContext ctx)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(40540, "$dateFromString only supports an object as an argument");
        }

        var args = NamedArgs(name, spec, ["dateString", "format", "timezone", "onError", "onNull"], [], 40541);
        if (!args.TryGetValue("dateString", out var ds))
        {
            throw new MongoException(40542, "Missing 'dateString' parameter to $dateFromString");
        }

        var dateString = Compile(ds, ctx);
        var format = args.TryGetValue("format", out var f) ? Compile(f, ctx) : null;
        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        var onError = args.TryGetValue("onError", out var oe) ? Compile(oe, ctx) : null;
        var onNull = args.TryGetValue("onNull", out var on) ? Compile(on, ctx) : null;
        return new LazyExpression(s =>
        {
            var v = dateString.Evaluate(s);
            var zone = EvalZone(tz, s, out bool zoneNull);
            string? fmt = null;
            if (format is not null)
            {
                var fv = format.Evaluate(s);
                if (Values.IsNullish(fv))
                {
                    return BsonNull.Value;
                }

                fmt = fv is BsonString fs ? fs.Value : throw new MongoException(40684, $"$dateFromString requires that 'format' be a string, found: {Values.TypeName(fv)}");
            }

            if (zoneNull)
            {
                return BsonNull.Value;
            }

            if (Values.IsNullish(v))
            {
                return onNull is null ? BsonNull.Value : onNull.Evaluate(s);
            }

            try
            {
                if (v is not BsonString str)
                {
                    throw new MongoException(ErrorCodes.ConversionFailure, $"$dateFromString requires that 'dateString' be a string, found: {Values.TypeName(v)} with value {v}");
                }

                return new BsonDateTime(DateStringParser.Parse(str.Value, fmt, zone!));
            }
            catch (MongoException ex) when (ex.Code == ErrorCodes.ConversionFailure && onError is not null)
            {
                return onError.Evaluate(s);
            }
        });
    }

    private static AggregationExpression CompileDateToParts(string name, BsonValue spec, CompileContext ctx)
    {
        var args = NamedArgs(name, spec, ["date", "timezone", "iso8601"], [], 40520);
        if (!args.TryGetValue("date", out var d))
        {
            throw new MongoException(40522, "Missing 'date' parameter to $dateToParts");
        }

        var date = Compile(d, ctx);
        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        var iso = args.TryGetValue("iso8601", out var i) ? Compile(i, ctx) : null;
        return new LazyExpression(s =>
        {
            var v = date.Evaluate(s);
            var zone = EvalZone(tz, s, out bool zoneNull);
            bool isIso = false;
            if (iso is not null)
            {
                var iv = iso.Evaluate(s);
                if (Values.IsNullish(iv))
                {
                    return BsonNull.Value;
                }

                isIso = iv is BsonBoolean b ? b.Value : throw new MongoException(40521, $"iso8601 must evaluate to a bool, found {Values.TypeName(iv)}");
            }

            if (Values.IsNullish(v) || zoneNull)
            {
                return BsonNull.Value;
            }

            var p = DateParts.From(ToMillis(v), zone!);
            var doc = new BsonDocument();
            if (isIso)
            {
                doc.Add("isoWeekYear", (int)p.IsoWeek.Year).Add("isoWeek", p.IsoWeek.Week).Add("isoDayOfWeek", p.IsoDayOfWeek);
            }
            else
            {
                doc.Add("year", (int)p.Year).Add("month", p.Month).Add("day", p.Day);
            }

            return doc.Add("hour", p.Hour).Add("minute", p.Minute).Add("second", p.Second).Add("millisecond", p.Millisecond);
        });
    }

    private static AggregationExpression CompileDateFromParts(string name, BsonValue spec, CompileContext ctx)
    {
        string[] names = ["year", "month", "day", "hour", "minute", "second", "millisecond", "isoWeekYear", "isoWeek", "isoDayOfWeek", "timezone"];
        var args = NamedArgs(name, spec, names, [], 40518);
        bool iso = args.ContainsKey("isoWeekYear");
        if (iso && (args.ContainsKey("year") || args.ContainsKey("month") || args.ContainsKey("day")))
        {
            throw new MongoException(40489, "$dateFromParts does not allow mixing natural dates with ISO dates");
        }

        if (!iso && !args.ContainsKey("year"))
        {
            throw new MongoException(40516, "$dateFromParts requires either 'year' or 'isoWeekYear' to be present");
        }

        var compiled = new Dictionary<string, AggregationExpression>();
        foreach (var (k, v) in args)
        {
            compiled[k] = Compile(v, ctx);
        }

        return new LazyExpression(s =>
        {
            var zone = EvalZone(compiled.GetValueOrDefault("timezone"), s, out bool zoneNull);
            var vals = new Dictionary<string, long>();
            bool anyNull = zoneNull;
            foreach (var n in names)
            {
                if (n == "timezone" || !compiled.TryGetValue(n, out var e))
                {
                    continue;
                }

                var v = e.Evaluate(s);
                if (Values.IsNullish(v))
                {
                    anyNull = true;
                    continue;
                }

                if (!Values.TryGetLong(v, out long l))
                {
                    throw new MongoException(40515, $"'{n}' must evaluate to an integer, found {Values.TypeName(v)} with value {v}");
                }

                bool isYear = n is "year" or "isoWeekYear";
                if (isYear ? l is < 1 or > 9999 : l is < -32768 or > 32767)
                {
                    throw new MongoException(isYear ? 40523 : 31034, isYear
                        ? $"'{n}' must evaluate to an integer in the range 1 to 9999, found {l}"
                        : $"'{n}' must evaluate to a value in the range [-32768, 32767]; value {l} is not in range");
                }

                vals[n] = l;
            }

            if (anyNull)
            {
                return BsonNull.Value;
            }

            long G(string k, long dflt) => vals.TryGetValue(k, out long x) ? x : dflt;
            long local;
            if (iso)
            {
                long y = G("isoWeekYear", 1);
                // ISO week 1 contains January 4th; its Monday starts the ISO year.
                long jan4 = DateParts.DaysFromCivil(y, 1, 4);
                long jan4Dow = ((jan4 % 7) + 7 + 3) % 7; // Monday = 0
                long monday = jan4 - jan4Dow;
                long days = monday + (G("isoWeek", 1) - 1) * 7 + (G("isoDayOfWeek", 1) - 1);
                local = days * MsPerDay + G("hour", 0) * 3_600_000 + G("minute", 0) * 60_000 + G("second", 0) * 1000 + G("millisecond", 0);
            }
            else
            {
                local = DateParts.LocalMs(G("year", 1970), G("month", 1), G("day", 1), G("hour", 0), G("minute", 0), G("second", 0), G("millisecond", 0));
            }

            return new BsonDateTime(zone!.FromLocalMs(local));
        });
    }

    private static readonly string[] Units = ["year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond"];

    private static string EvalUnit(AggregationExpression unit, ExpressionScope s, string op, out bool isNull)
    {
        var v = unit.Evaluate(s);
        isNull = Values.IsNullish(v);
        if (isNull)
        {
            return string.Empty;
        }

        if (v is not BsonString str || Array.IndexOf(Units, str.Value) < 0)
        {
            throw new MongoException(ErrorCodes.FailedToParse, $"{op} requires 'unit' to be a valid time unit, found: {Values.Display(v)}");
        }

        return str.Value;
    }

    private static AggregationExpression CompileDateAdd(string name, BsonValue spec, CompileContext ctx, int sign)
    {
        if (spec is not BsonDocument)
        {
            throw new MongoException(5166400, $"{name} expects an object as its argument");
        }

        var args = NamedArgs(name, spec, ["startDate", "unit", "amount", "timezone"], [], 5166401);
        foreach (var r in new[] { "startDate", "unit", "amount" })
        {
            if (!args.ContainsKey(r))
            {
                throw new MongoException(5166402, $"{name} requires '{r}' to be present");
            }
        }

        var start = Compile(args["startDate"], ctx);
        var unit = Compile(args["unit"], ctx);
        var amount = Compile(args["amount"], ctx);
        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        return new LazyExpression(s =>
        {
            var sv = start.Evaluate(s);
            string u = EvalUnit(unit, s, name, out bool unitNull);
            var av = amount.Evaluate(s);
            var zone = EvalZone(tz, s, out bool zoneNull);
            if (Values.IsNullish(sv) || unitNull || Values.IsNullish(av) || zoneNull)
            {
                return BsonNull.Value;
            }

            if (sv is not (BsonDateTime or BsonTimestamp or BsonObjectId))
            {
                throw new MongoException(5166403, $"{name} requires startDate to be convertible to a date");
            }

            if (!Values.TryGetLong(av, out long amt))
            {
                throw new MongoException(5166405, $"{name} expects integer amount of time units");
            }

            return new BsonDateTime(AddUnits(ToMillis(sv), u, sign * amt, zone!));
        });
    }

    internal static long AddUnits(long utcMs, string unit, long amount, TimeZoneSpec tz)
    {
        switch (unit)
        {
            case "millisecond": return checked(utcMs + amount);
            case "second": return checked(utcMs + amount * 1000);
            case "minute": return checked(utcMs + amount * 60_000);
            case "hour": return checked(utcMs + amount * 3_600_000);
        }

        // Calendar units move the local wall clock, then map back to UTC (DST-aware).
        var p = DateParts.From(utcMs, tz);
        long months = unit switch { "year" => amount * 12, "quarter" => amount * 3, "month" => amount, _ => 0 };
        long days = unit switch { "week" => amount * 7, "day" => amount, _ => 0 };
        long totalMonths = p.Year * 12 + (p.Month - 1) + months;
        long y = DateParts.FloorDiv(totalMonths, 12);
        int m = (int)(totalMonths - y * 12 + 1);
        int d = Math.Min(p.Day, DateParts.DaysInMonth(y, m));
        long local = DateParts.LocalMs(y, m, d, p.Hour, p.Minute, p.Second, p.Millisecond) + days * MsPerDay;
        return tz.FromLocalMs(local);
    }

    private static int ParseStartOfWeek(BsonValue v)
    {
        string[] names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
        string[] shortNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
        if (v is BsonString s)
        {
            string lower = s.Value.ToLowerInvariant();
            int i = Array.IndexOf(names, lower);
            if (i < 0)
            {
                i = Array.IndexOf(shortNames, lower);
            }

            if (i >= 0)
            {
                return i;
            }
        }

        throw new MongoException(5439018, $"startOfWeek parameter must be a valid day of the week, found: {Values.Display(v)}");
    }

    private static AggregationExpression CompileDateDiff(string name, BsonValue spec, CompileContext ctx)
    {
        var args = NamedArgs(name, spec, ["startDate", "endDate", "unit", "timezone", "startOfWeek"], [], 5166302);
        foreach (var r in new[] { "startDate", "endDate", "unit" })
        {
            if (!args.ContainsKey(r))
            {
                throw new MongoException(5166303, $"$dateDiff requires '{r}' to be specified");
            }
        }

        var start = Compile(args["startDate"], ctx);
        var end = Compile(args["endDate"], ctx);
        var unit = Compile(args["unit"], ctx);
        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        var sow = args.TryGetValue("startOfWeek", out var w) ? Compile(w, ctx) : null;
        return new LazyExpression(s =>
        {
            var sv = start.Evaluate(s);
            var ev = end.Evaluate(s);
            string u = EvalUnit(unit, s, name, out bool unitNull);
            var zone = EvalZone(tz, s, out bool zoneNull);
            int startOfWeek = 0;
            if (sow is not null && u == "week")
            {
                var wv = sow.Evaluate(s);
                if (Values.IsNullish(wv))
                {
                    return BsonNull.Value;
                }

                startOfWeek = ParseStartOfWeek(wv);
            }

            if (Values.IsNullish(sv) || Values.IsNullish(ev) || unitNull || zoneNull)
            {
                return BsonNull.Value;
            }

            long a = ToMillis(sv), b = ToMillis(ev);
            return new BsonInt64(Diff(a, b, u, zone!, startOfWeek));
        });
    }

    /// <summary>Number of unit boundaries crossed from a to b in the zone (MongoDB's $dateDiff definition).</summary>
    internal static long Diff(long a, long b, string unit, TimeZoneSpec tz, int startOfWeek)
    {
        switch (unit)
        {
            case "millisecond": return b - a;
            case "second": return DateParts.FloorDiv(b, 1000) - DateParts.FloorDiv(a, 1000);
            case "minute": return DateParts.FloorDiv(b, 60_000) - DateParts.FloorDiv(a, 60_000);
            case "hour":
                return DateParts.FloorDiv(tz.ToLocalMs(b), 3_600_000) - DateParts.FloorDiv(tz.ToLocalMs(a), 3_600_000);
        }

        var pa = DateParts.From(a, tz);
        var pb = DateParts.From(b, tz);
        long da = DateParts.FloorDiv(tz.ToLocalMs(a), MsPerDay), db = DateParts.FloorDiv(tz.ToLocalMs(b), MsPerDay);
        switch (unit)
        {
            case "day": return db - da;
            case "week":
                // Shift so weeks start on startOfWeek; 1970-01-01 is a Thursday (Sunday = 0 → Thursday = 4).
                long shift = 4 - startOfWeek;
                return DateParts.FloorDiv(db + shift, 7) - DateParts.FloorDiv(da + shift, 7);
            case "month": return (pb.Year * 12 + pb.Month) - (pa.Year * 12 + pa.Month);
            case "quarter": return (pb.Year * 4 + (pb.Month - 1) / 3) - (pa.Year * 4 + (pa.Month - 1) / 3);
            default: return pb.Year - pa.Year;
        }
    }

    private static AggregationExpression CompileDateTrunc(string name, BsonValue spec, CompileContext ctx)
    {
        var args = NamedArgs(name, spec, ["date", "unit", "binSize", "timezone", "startOfWeek"], [], 5439007);
        foreach (var r in new[] { "date", "unit" })
        {
            if (!args.ContainsKey(r))
            {
                throw new MongoException(5439008, $"$dateTrunc requires '{r}' to be specified");
            }
        }

        var date = Compile(args["date"], ctx);
        var unit = Compile(args["unit"], ctx);
        var bin = args.TryGetValue("binSize", out var b) ? Compile(b, ctx) : null;
        var tz = args.TryGetValue("timezone", out var t) ? Compile(t, ctx) : null;
        var sow = args.TryGetValue("startOfWeek", out var w) ? Compile(w, ctx) : null;
        return new LazyExpression(s =>
        {
            var dv = date.Evaluate(s);
            string u = EvalUnit(unit, s, name, out bool unitNull);
            var zone = EvalZone(tz, s, out bool zoneNull);
            long binSize = 1;
            if (bin is not null)
            {
                var bv = bin.Evaluate(s);
                if (Values.IsNullish(bv))
                {
                    return BsonNull.Value;
                }

                if (!Values.TryGetLong(bv, out binSize) || binSize <= 0)
                {
                    throw new MongoException(5439017, $"$dateTrunc requires 'binSize' to be a positive 64-bit integer, found: {Values.Display(bv)}");
                }
            }

            int startOfWeek = 0;
            if (sow is not null && u == "week")
            {
                var wv = sow.Evaluate(s);
                if (Values.IsNullish(wv))
                {
                    return BsonNull.Value;
                }

                startOfWeek = ParseStartOfWeek(wv);
            }

            if (Values.IsNullish(dv) || unitNull || zoneNull)
            {
                return BsonNull.Value;
            }

            return new BsonDateTime(Trunc(ToMillis(dv), u, binSize, zone!, startOfWeek));
        });
    }

    /// <summary>Truncates to a bin of binSize units, bins counted from 2000-01-01T00:00 local time (MongoDB's reference).</summary>
    internal static long Trunc(long utcMs, string unit, long binSize, TimeZoneSpec tz, int startOfWeek)
    {
        long refLocal = DateParts.LocalMs(2000, 1, 1, 0, 0, 0, 0);
        switch (unit)
        {
            case "millisecond" or "second" or "minute" or "hour":
            {
                long size = binSize * unit switch { "millisecond" => 1L, "second" => 1000L, "minute" => 60_000L, _ => 3_600_000L };
                if (unit == "hour")
                {
                    long local = tz.ToLocalMs(utcMs);
                    return tz.FromLocalMs(refLocal + DateParts.FloorDiv(local - refLocal, size) * size);
                }

                long refUtc = tz.FromLocalMs(refLocal);
                return refUtc + DateParts.FloorDiv(utcMs - refUtc, size) * size;
            }

            case "day" or "week":
            {
                long local = tz.ToLocalMs(utcMs);
                long days = DateParts.FloorDiv(local, MsPerDay);
                long refDays = DateParts.FloorDiv(refLocal, MsPerDay);
                if (unit == "week")
                {
                    // First startOfWeek day on or after 2000-01-01 (a Saturday, day 6 with Sunday = 0).
                    refDays += ((startOfWeek - 6) % 7 + 7) % 7;
                }

                long size = unit == "week" ? 7 * binSize : binSize;
                long truncated = refDays + DateParts.FloorDiv(days - refDays, size) * size;
                return tz.FromLocalMs(truncated * MsPerDay);
            }

            default:
            {
                var p = DateParts.From(utcMs, tz);
                long monthsPerBin = unit switch { "year" => 12, "quarter" => 3, _ => 1 } * binSize;
                long months = (p.Year - 2000) * 12 + (p.Month - 1);
                long binStart = DateParts.FloorDiv(months, monthsPerBin) * monthsPerBin;
                long y = 2000 + DateParts.FloorDiv(binStart, 12);
                int m = (int)(binStart - DateParts.FloorDiv(binStart, 12) * 12) + 1;
                return tz.FromLocalMs(DateParts.LocalMs(y, m, 1, 0, 0, 0, 0));
            }
        }
    }
}
