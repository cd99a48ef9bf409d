using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Outpost.Bson.Json;

/// <summary>Extended JSON v2 (MongoDB) reading and writing of BSON values.</summary>
public static class BsonJson
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Keep non-ASCII text readable; control characters and quotes are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
        MaxDepth = 1000,
    };

    /// <summary>Parses a JSON object (canonical, relaxed or legacy Extended JSON, or shell syntax) into a document.</summary>
    /// <exception cref="BsonJsonException">When the text is malformed or is not an object; the message names the position.</exception>
    public static BsonDocument Parse(string json, BsonJsonReaderOptions? options = null) =>
        ParseValue(json, options) as BsonDocument ?? throw new BsonJsonException("The JSON text is not an object", 0, 1, 1);

    /// <summary>Parses any JSON value (e.g. <c>{"$numberLong": "1"}</c> gives an int64).</summary>
    /// <exception cref="BsonJsonException">When the text is malformed.</exception>
    public static BsonValue ParseValue(string json, BsonJsonReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new ExtendedJsonParser(json, options ?? BsonJsonReaderOptions.Default).ParseSingleValue();
    }

    /// <summary>Writes <paramref name="value"/> as compact Extended JSON text.</summary>
    public static string ToJson(BsonValue value, JsonOutputMode mode = JsonOutputMode.RelaxedExtendedJson)
    {
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>(256);
        WriteTo(buffer, value, mode);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 Extended JSON into <paramref name="output"/>.</summary>
    public static void WriteTo(IBufferWriter<byte> output, BsonValue value, JsonOutputMode mode = JsonOutputMode.RelaxedExtendedJson)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(value);
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        ExtendedJsonWriter.Write(writer, value, mode);
    }

    /// <summary>Writes <paramref name="value"/> as Extended JSON through an existing writer (e.g. inside an HTTP response).</summary>
    public static void WriteTo(Utf8JsonWriter writer, BsonValue value, JsonOutputMode mode = JsonOutputMode.RelaxedExtendedJson)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        ExtendedJsonWriter.Write(writer, value, mode);
    }
}
