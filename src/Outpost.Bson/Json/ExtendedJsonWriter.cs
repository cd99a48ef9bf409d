using System.Globalization;
using System.Text.Json;

namespace Outpost.Bson.Json;

/// <summary>Writes BSON values as Extended JSON v2 through a <see cref="Utf8JsonWriter"/>.</summary>
internal static class ExtendedJsonWriter
{
    private const long MinRelaxedDateMs = 0; // 1970-01-01T00:00:00Z
    private const long MaxRelaxedDateMs = 253402300799999L; // 9999-12-31T23:59:59.999Z

    internal static void Write(Utf8JsonWriter writer, BsonValue value, JsonOutputMode mode)
    {
        bool relaxed = mode == JsonOutputMode.RelaxedExtendedJson;
        switch (value)
        {
            case BsonDocument document:
                writer.WriteStartObject();
                foreach (var element in document)
                {
                    writer.WritePropertyName(element.Name);
                    Write(writer, element.Value, mode);
                }

                writer.WriteEndObject();
                break;
            case BsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    Write(writer, item, mode);
                }

                writer.WriteEndArray();
                break;
            case BsonString s when s.HasUtf8:
                writer.WriteStringValue(s.Utf8);
                break;
            case BsonString s:
                writer.WriteStringValue(s.Value);
                break;
            case BsonInt32 i:
                if (relaxed)
                {
                    writer.WriteNumberValue(i.Value);
                }
                else
                {
                    WrapString(writer, "$numberInt", i.Value.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case BsonInt64 l:
                if (relaxed)
                {
                    writer.WriteNumberValue(l.Value);
                }
                else
                {
                    WrapString(writer, "$numberLong", l.Value.ToString(CultureInfo.InvariantCulture));
                }

                break;
            case BsonDouble d:
                if (relaxed && double.IsFinite(d.Value))
                {
                    writer.WriteRawValue(FormatDouble(d.Value), skipInputValidation: true);
                }
                else
                {
                    WrapString(writer, "$numberDouble", FormatDouble(d.Value));
                }

                break;
            case BsonDecimal128 m:
                WrapString(writer, "$numberDecimal", m.Value.ToString());
                break;
            case BsonBoolean b:
                writer.WriteBooleanValue(b.Value);
                break;
            case BsonNull:
                writer.WriteNullValue();
                break;
            case BsonObjectId oid:
                WrapString(writer, "$oid", oid.Value.ToString());
                break;
            case BsonDateTime date:
                WriteDate(writer, date.MillisecondsSinceEpoch, relaxed);
                break;
            case BsonBinary binary:
                writer.WriteStartObject();
                writer.WriteStartObject("$binary");
                writer.WriteBase64String("base64", binary.Data.Span);
                writer.WriteString("subType", ((byte)binary.SubType).ToString("x2", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case BsonRegularExpression regex:
                writer.WriteStartObject();
                writer.WriteStartObject("$regularExpression");
                writer.WriteString("pattern", regex.Pattern);
                writer.WriteString("options", regex.Options);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case BsonTimestamp ts:
                writer.WriteStartObject();
                writer.WriteStartObject("$timestamp");
                writer.WriteNumber("t", ts.Seconds);
                writer.WriteNumber("i", ts.Increment);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case BsonJavaScript code:
                WrapString(writer, "$code", code.Code);
                break;
            case BsonJavaScriptWithScope scoped:
                writer.WriteStartObject();
                writer.WriteString("$code", scoped.Code);
                writer.WritePropertyName("$scope");
                Write(writer, scoped.Scope, mode);
                writer.WriteEndObject();
                break;
            case BsonSymbol symbol:
                WrapString(writer, "$symbol", symbol.Name);
                break;
            case BsonDBPointer pointer:
                writer.WriteStartObject();
                writer.WriteStartObject("$dbPointer");
                writer.WriteString("$ref", pointer.Namespace);
                writer.WriteStartObject("$id");
                writer.WriteString("$oid", pointer.Id.ToString());
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case BsonUndefined:
                writer.WriteStartObject();
                writer.WriteBoolean("$undefined", true);
                writer.WriteEndObject();
                break;
            case BsonMinKey:
                writer.WriteStartObject();
                writer.WriteNumber("$minKey", 1);
                writer.WriteEndObject();
                break;
            case BsonMaxKey:
                writer.WriteStartObject();
                writer.WriteNumber("$maxKey", 1);
                writer.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(value), value.Type, "Unknown BSON type.");
        }
    }

    /// <summary>Shortest round-trip text that always reads as a double: "1.0", "-0.0", "1.0E+300", "NaN", "Infinity".</summary>
    internal static string FormatDouble(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "Infinity" : "-Infinity";
        }

        string text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E', StringComparison.Ordinal);
        if (text.Contains('.', StringComparison.Ordinal))
        {
            return text;
        }

        return e < 0 ? text + ".0" : string.Concat(text.AsSpan(0, e), ".0", text.AsSpan(e));
    }

    private static void WriteDate(Utf8JsonWriter writer, long ms, bool relaxed)
    {
        writer.WriteStartObject();
        if (relaxed && ms is >= MinRelaxedDateMs and <= MaxRelaxedDateMs)
        {
            var utc = DateTime.UnixEpoch.AddMilliseconds(ms);
            string format = ms % 1000 == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
            writer.WriteString("$date", utc.ToString(format, CultureInfo.InvariantCulture));
        }
        else
        {
            writer.WriteStartObject("$date");
            writer.WriteString("$numberLong", ms.ToString(CultureInfo.InvariantCulture));
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WrapString(Utf8JsonWriter writer, string key, string value)
    {
        writer.WriteStartObject();
        writer.WriteString(key, value);
        writer.WriteEndObject();
    }
}
