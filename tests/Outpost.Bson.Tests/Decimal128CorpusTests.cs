using System.Text.Json;

namespace Outpost.Bson.Tests;

/// <summary>Runs every case of the MongoDB BSON corpus decimal128-*.json files.</summary>
public sealed class Decimal128CorpusTests(ITestOutputHelper output)
{
    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoPaths.BsonCorpus, "decimal128-*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Fact]
    public void Corpus_has_all_seven_files() => Assert.Equal(7, CorpusFiles().Count);

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Corpus_file_passes(string fileName)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.BsonCorpus, fileName)));
        var failures = new List<string>();
        int passed = 0;

        if (doc.RootElement.TryGetProperty("valid", out var valid))
        {
            foreach (var c in valid.EnumerateArray())
            {
                string? failure = CheckValid(c);
                if (failure is null)
                {
                    passed++;
                }
                else
                {
                    failures.Add($"{c.GetProperty("description").GetString()}: {failure}");
                }
            }
        }

        if (doc.RootElement.TryGetProperty("parseErrors", out var errors))
        {
            foreach (var c in errors.EnumerateArray())
            {
                string s = c.GetProperty("string").GetString()!;
                if (Decimal128.TryParse(s, out var parsed))
                {
                    failures.Add($"{c.GetProperty("description").GetString()}: '{s}' parsed as {parsed}");
                }
                else
                {
                    passed++;
                }
            }
        }

        output.WriteLine($"{fileName}: {passed} corpus cases pass, {failures.Count} fail");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(passed > 0);
    }

    private static string? CheckValid(JsonElement c)
    {
        byte[] bson = Convert.FromHexString(c.GetProperty("canonical_bson").GetString()!);
        // {"d": <decimal>}: int32 length, type 0x13, "d\0", then the 16 bytes.
        if (bson[4] != 0x13)
        {
            return "not a decimal128 document";
        }

        byte[] expected = bson[7..23];
        string canonical = ExtractString(c.GetProperty("canonical_extjson").GetString()!);
        bool lossy = c.TryGetProperty("lossy", out var l) && l.GetBoolean();

        var fromBytes = Decimal128.FromBytes(expected);
        if (fromBytes.ToString() != canonical)
        {
            return $"bytes → '{fromBytes}', expected '{canonical}'";
        }

        var written = new byte[16];
        fromBytes.WriteTo(written);
        if (!written.AsSpan().SequenceEqual(expected))
        {
            return "WriteTo did not reproduce the bytes";
        }

        if (!Decimal128.TryParse(canonical, out var parsed))
        {
            return $"'{canonical}' did not parse";
        }

        if (!lossy && !BytesOf(parsed).AsSpan().SequenceEqual(expected))
        {
            return $"'{canonical}' → {Convert.ToHexString(BytesOf(parsed))}, expected {Convert.ToHexString(expected)}";
        }

        if (c.TryGetProperty("degenerate_extjson", out var degenerateJson))
        {
            string degenerate = ExtractString(degenerateJson.GetString()!);
            if (!Decimal128.TryParse(degenerate, out var d))
            {
                return $"degenerate '{degenerate}' did not parse";
            }

            if (!lossy && !BytesOf(d).AsSpan().SequenceEqual(expected))
            {
                return $"degenerate '{degenerate}' → {Convert.ToHexString(BytesOf(d))}, expected {Convert.ToHexString(expected)}";
            }

            if (d.ToString() != canonical)
            {
                return $"degenerate '{degenerate}' printed '{d}'";
            }
        }

        return null;
    }

    private static string ExtractString(string extJson)
    {
        using var doc = JsonDocument.Parse(extJson);
        return doc.RootElement.GetProperty("d").GetProperty("$numberDecimal").GetString()!;
    }

    private static byte[] BytesOf(Decimal128 value)
    {
        var bytes = new byte[16];
        value.WriteTo(bytes);
        return bytes;
    }
}
