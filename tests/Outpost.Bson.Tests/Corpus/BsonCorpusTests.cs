using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Outpost.Bson.Json;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests.Corpus;

/// <summary>
/// Every case of every file in the MongoDB BSON corpus (bson-corpus.md, codec with a native representation):
/// valid cases round-trip bytes and canonical/relaxed Extended JSON, decodeErrors are rejected by the codec,
/// parseErrors by the Extended JSON parser (or Decimal128.Parse for decimal files).
/// </summary>
public sealed class BsonCorpusTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions NormalizeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public void Every_corpus_case_passes()
    {
        var files = Directory.GetFiles(RepoPaths.BsonCorpus, "*.json").Order(StringComparer.Ordinal).ToArray();
        Assert.True(files.Length >= 30, $"expected the full corpus in {RepoPaths.BsonCorpus}, found {files.Length} files");

        int total = 0;
        int passed = 0;
        var failures = new List<string>();
        foreach (string file in files)
        {
            using var corpus = JsonDocument.Parse(File.ReadAllText(file));
            var root = corpus.RootElement;
            string name = Path.GetFileName(file);
            bool decimalFile = root.GetProperty("bson_type").GetString() == "0x13";
            foreach (var (kind, check) in new (string, Func<JsonElement, bool, string?>)[] { ("valid", CheckValid), ("decodeErrors", CheckDecodeError), ("parseErrors", CheckParseError) })
            {
                if (!root.TryGetProperty(kind, out var cases))
                {
                    continue;
                }

                foreach (var c in cases.EnumerateArray())
                {
                    total++;
                    string? failure;
                    try
                    {
                        failure = check(c, decimalFile);
                    }
#pragma warning disable CA1031 // a corpus case failing in any way is reported with the others
                    catch (Exception e)
#pragma warning restore CA1031
                    {
                        failure = $"threw {e.GetType().Name}: {e.Message}";
                    }

                    if (failure is null)
                    {
                        passed++;
                    }
                    else
                    {
                        failures.Add($"{name} {kind} '{c.GetProperty("description").GetString()}': {failure}");
                    }
                }
            }
        }

        output.WriteLine($"bson corpus: {passed}/{total}");
        foreach (string failure in failures)
        {
            output.WriteLine(failure);
        }

        Assert.True(failures.Count == 0, $"bson corpus: {passed}/{total}\n" + string.Join("\n", failures));
        Assert.Equal(total, passed);
        Assert.True(total > 500, $"only {total} cases found");
    }

    private static string? CheckValid(JsonElement c, bool decimalFile)
    {
        _ = decimalFile;
        byte[] cb = Convert.FromHexString(c.GetProperty("canonical_bson").GetString()!);
        string cej = c.GetProperty("canonical_extjson").GetString()!;
        string? rej = c.TryGetProperty("relaxed_extjson", out var r) ? r.GetString() : null;
        bool lossy = c.TryGetProperty("lossy", out var l) && l.GetBoolean();

        var native = BsonSerializer.Deserialize(cb);
        if (!BsonSerializer.Serialize(native).AsSpan().SequenceEqual(cb))
        {
            return $"cB round trip gave {Convert.ToHexString(BsonSerializer.Serialize(native))}";
        }

        // The eager decoder (nested containers built during decoding) must agree byte for byte with the lazy default.
        if (!BsonSerializer.Serialize(BsonSerializer.Deserialize(cb, BsonReaderOptions.Eager)).AsSpan().SequenceEqual(cb))
        {
            return "cB round trip through the eager decoder differs";
        }

        string? failure = SameJson(cej, BsonJson.ToJson(native, JsonOutputMode.CanonicalExtendedJson), "cB -> cEJ");
        if (failure is not null)
        {
            return failure;
        }

        if (rej is not null)
        {
            failure = SameJson(rej, BsonJson.ToJson(native, JsonOutputMode.RelaxedExtendedJson), "cB -> rEJ")
                ?? SameJson(rej, BsonJson.ToJson(BsonJson.Parse(rej, BsonJsonReaderOptions.Strict), JsonOutputMode.RelaxedExtendedJson), "rEJ -> rEJ");
            if (failure is not null)
            {
                return failure;
            }
        }

        var fromCej = BsonJson.Parse(cej, BsonJsonReaderOptions.Strict);
        failure = SameJson(cej, BsonJson.ToJson(fromCej, JsonOutputMode.CanonicalExtendedJson), "cEJ -> cEJ");
        if (failure is not null)
        {
            return failure;
        }

        if (!lossy && !BsonSerializer.Serialize(fromCej).AsSpan().SequenceEqual(cb))
        {
            return $"cEJ -> cB gave {Convert.ToHexString(BsonSerializer.Serialize(fromCej))}";
        }

        if (c.TryGetProperty("degenerate_bson", out var db))
        {
            var fromDb = BsonSerializer.Deserialize(Convert.FromHexString(db.GetString()!));
            if (!BsonSerializer.Serialize(fromDb).AsSpan().SequenceEqual(cb))
            {
                return $"dB -> cB gave {Convert.ToHexString(BsonSerializer.Serialize(fromDb))}";
            }
        }

        if (c.TryGetProperty("degenerate_extjson", out var dej))
        {
            var fromDej = BsonJson.Parse(dej.GetString()!, BsonJsonReaderOptions.Strict);
            failure = SameJson(cej, BsonJson.ToJson(fromDej, JsonOutputMode.CanonicalExtendedJson), "dEJ -> cEJ");
            if (failure is not null)
            {
                return failure;
            }

            if (!lossy && !BsonSerializer.Serialize(fromDej).AsSpan().SequenceEqual(cb))
            {
                return $"dEJ -> cB gave {Convert.ToHexString(BsonSerializer.Serialize(fromDej))}";
            }
        }

        return null;
    }

    private static string? CheckDecodeError(JsonElement c, bool decimalFile)
    {
        _ = decimalFile;
        byte[] bytes = Convert.FromHexString(c.GetProperty("bson").GetString()!);
        try
        {
            var decoded = BsonSerializer.Deserialize(bytes);
            return $"decoded as {decoded}";
        }
        catch (BsonFormatException)
        {
        }

        try
        {
            var decoded = BsonSerializer.Deserialize(bytes, BsonReaderOptions.Eager);
            return $"eager decoder decoded as {decoded}";
        }
        catch (BsonFormatException)
        {
            return null;
        }
    }

    private static string? CheckParseError(JsonElement c, bool decimalFile)
    {
        string text = c.GetProperty("string").GetString()!;
        if (decimalFile)
        {
            return Decimal128.TryParse(text, out var parsed) ? $"'{text}' parsed as {parsed}" : null;
        }

        // The case must be valid plain JSON, so the error we see is Extended-JSON specific (bson-corpus.md).
        using (JsonDocument.Parse(text))
        {
        }

        try
        {
            var parsed = BsonJson.Parse(text, BsonJsonReaderOptions.Strict);
            return $"parsed as {parsed}";
        }
        catch (BsonJsonException)
        {
            return null;
        }
    }

    private static string? SameJson(string expected, string actual, string step)
    {
        string e = Normalize(expected);
        string a = Normalize(actual);
        return e == a ? null : $"{step}: expected {e} got {a}";
    }

    private static string Normalize(string json) => JsonNode.Parse(json)!.ToJsonString(NormalizeOptions);
}
