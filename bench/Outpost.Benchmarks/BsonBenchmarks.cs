using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Outpost.Bson;
using Outpost.Bson.Json;
using Outpost.Bson.Keys;
using Outpost.Bson.Serialization;

namespace Outpost.Benchmarks;

/// <summary>
/// The BSON codec against System.Text.Json on the same ~2 KB photo-metadata document (shaped like the seed's
/// PhotoMetadata). Goal (issue 2): decode at least 1.5x JsonDocument.Parse's throughput; lazy field read allocates nothing.
/// Run: dotnet run -c Release --project bench/Outpost.Benchmarks -- --filter '*BsonBenchmarks*' --job short
/// </summary>
[MemoryDiagnoser]
public class BsonBenchmarks
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private byte[] _bson = [];
    private byte[] _json = [];
    private BsonDocument _document = [];
    private JsonNode _node = null!;
    private string _extendedJson = "";

    [GlobalSetup]
    public void Setup()
    {
        _document = PhotoMetadataSample.Create();
        _bson = BsonSerializer.Serialize(_document);
        _extendedJson = BsonJson.ToJson(_document, JsonOutputMode.RelaxedExtendedJson);
        _json = Encoding.UTF8.GetBytes(_extendedJson);
        _node = JsonNode.Parse(_json)!;
    }

    /// <summary>Sizes printed once so the record in docs/performance.md can name them.</summary>
    public (int Bson, int Json) Sizes => (_bson.Length, _json.Length);

    [Benchmark(Baseline = true, Description = "STJ JsonDocument.Parse")]
    public int StjParse()
    {
        using var doc = JsonDocument.Parse(_json);
        return doc.RootElement.GetArrayLength_Safe();
    }

    [Benchmark(Description = "STJ JsonNode.Parse (DOM)")]
    public JsonNode? StjParseDom() => JsonNode.Parse(_json);

    [Benchmark(Description = "BSON decode to BsonDocument")]
    public BsonDocument BsonDecode() => BsonSerializer.Deserialize(_bson);

    /// <summary>
    /// Decode is lazy below the top level (nested documents/arrays are validated at decode but built on first use, strings
    /// become .NET strings on first read), as JsonDocument.Parse is lazy. These two rows do the full work on both sides:
    /// parse/decode, then visit every value and read every string and number.
    /// </summary>
    [Benchmark(Description = "STJ JsonDocument.Parse + read every value")]
    public int StjParseReadAll()
    {
        using var doc = JsonDocument.Parse(_json);
        return ReadAll(doc.RootElement);
    }

    [Benchmark(Description = "BSON decode + read every value")]
    public int BsonDecodeReadAll() => ReadAll(BsonSerializer.Deserialize(_bson));

    [Benchmark(Description = "BSON decode (eager) + read every value")]
    public int BsonDecodeEagerReadAll() => ReadAll(BsonSerializer.Deserialize(_bson, BsonReaderOptions.Eager));

    /// <summary>The engine's find shape: decode a stored document, change one top-level field, encode it for the wire.</summary>
    [Benchmark(Description = "BSON decode + set one field + encode")]
    public int BsonDecodeModifyEncode()
    {
        var document = BsonSerializer.Deserialize(_bson);
        document["syncAttempts"] = 2;
        _output.ResetWrittenCount();
        BsonSerializer.Serialize(document, _output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "STJ JsonNode serialize")]
    public int StjSerialize()
    {
        _output.ResetWrittenCount();
        using var writer = new Utf8JsonWriter(_output);
        _node.WriteTo(writer);
        writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark(Description = "BSON encode BsonDocument")]
    public int BsonEncode()
    {
        _output.ResetWrittenCount();
        BsonSerializer.Serialize(_document, _output);
        return _output.WrittenCount;
    }

    [Benchmark(Description = "STJ lazy field read (JsonDocument)")]
    public int StjLazyRead()
    {
        using var doc = JsonDocument.Parse(_json);
        return doc.RootElement.GetProperty("metadata").GetProperty("deviceInfo").GetProperty("cameraSettings").GetProperty("quality").GetInt32();
    }

    [Benchmark(Description = "BSON lazy field read (BsonDocumentView)")]
    public int BsonLazyRead()
    {
        var view = new BsonDocumentView(_bson);
        return view.TryGetValue("metadata.deviceInfo.cameraSettings.quality", out var value) ? value.AsInt32 : -1;
    }

    /// <summary>
    /// The closest BSON analogue of JsonDocument.Parse (which validates and indexes without materializing): visits every
    /// element at every level in place, checking each length and terminator. Informational; the goal is stated against decode.
    /// </summary>
    [Benchmark(Description = "BSON walk every element (BsonDocumentView)")]
    public int BsonLazyWalk() => Walk(new BsonDocumentView(_bson));

    [Benchmark(Description = "Extended JSON write (relaxed)")]
    public string ExtendedJsonWrite() => BsonJson.ToJson(_document);

    [Benchmark(Description = "Extended JSON parse (relaxed)")]
    public BsonDocument ExtendedJsonParse() => BsonJson.Parse(_extendedJson);

    private static int ReadAll(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
            {
                int sum = 0;
                foreach (var property in element.EnumerateObject())
                {
                    sum += ReadAll(property.Value);
                }

                return sum;
            }

            case JsonValueKind.Array:
            {
                int sum = 0;
                foreach (var item in element.EnumerateArray())
                {
                    sum += ReadAll(item);
                }

                return sum;
            }

            case JsonValueKind.String:
                return element.GetString()!.Length;
            case JsonValueKind.Number:
                return (int)element.GetDouble();
            default:
                return 1;
        }
    }

    private static int ReadAll(BsonValue value)
    {
        switch (value)
        {
            case BsonDocument document:
            {
                int sum = 0;
                foreach (var element in document)
                {
                    sum += ReadAll(element.Value);
                }

                return sum;
            }

            case BsonArray array:
            {
                int sum = 0;
                foreach (var item in array)
                {
                    sum += ReadAll(item);
                }

                return sum;
            }

            case BsonString text:
                return text.Value.Length;
            case BsonDateTime date:
                return (int)date.MillisecondsSinceEpoch;
            default:
                return value.IsNumeric ? (int)value.ToDouble() : 1;
        }
    }

    private static int Walk(BsonDocumentView view)
    {
        int count = 0;
        foreach (var element in view)
        {
            count++;
            if (element.Value.Type is BsonType.Document or BsonType.Array)
            {
                count += Walk(new BsonDocumentView(element.Value.Raw));
            }
        }

        return count;
    }

    [Benchmark(Description = "Key encode (compound, 3 fields)")]
    public byte[] KeyEncode() => BsonKeyEncoder.EncodeCompound(
        [_document["departmentId"], _document["capturedAt"], _document["metadata"].AsDocument["qualityRating"]], [false, true, false]);
}

internal static class JsonElementExtensions
{
    /// <summary>Touches the root so the parse cannot be optimized away (objects have no array length).</summary>
    public static int GetArrayLength_Safe(this JsonElement element) => element.ValueKind == JsonValueKind.Object ? 1 : 0;
}
