using System.Text.Json;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>
/// BsonValidator must agree with the decoder on every input: it throws exactly when Deserialize throws, and it calls
/// bytes canonical exactly when decoding and re-encoding gives the same bytes back (so storing them as-is is safe).
/// </summary>
public sealed class BsonValidatorTests
{
    private static void Agrees(byte[] bytes, BsonReaderOptions? options = null)
    {
        byte[]? reencoded = null;
        bool decoderThrew = false;
        try
        {
            reencoded = BsonSerializer.Serialize(BsonSerializer.Deserialize(bytes, options));
        }
        catch (BsonFormatException)
        {
            decoderThrew = true;
        }

        bool canonical = false, validatorThrew = false;
        try
        {
            canonical = BsonValidator.Validate(bytes, options);
        }
        catch (BsonFormatException)
        {
            validatorThrew = true;
        }

        Assert.True(decoderThrew == validatorThrew, $"decoder threw: {decoderThrew}, validator threw: {validatorThrew} for {Convert.ToHexString(bytes)}");
        if (!decoderThrew) Assert.True(canonical == bytes.AsSpan().SequenceEqual(reencoded), $"canonical: {canonical} for {Convert.ToHexString(bytes)}");
    }

    private static IEnumerable<byte[]> CorpusInputs()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.BsonCorpus, "*.json").Order(StringComparer.Ordinal))
        {
            using var corpus = JsonDocument.Parse(File.ReadAllText(file));
            var root = corpus.RootElement;
            if (root.TryGetProperty("valid", out var valid))
            {
                foreach (var c in valid.EnumerateArray())
                {
                    yield return Convert.FromHexString(c.GetProperty("canonical_bson").GetString()!);
                    if (c.TryGetProperty("degenerate_bson", out var d)) yield return Convert.FromHexString(d.GetString()!);
                }
            }

            if (root.TryGetProperty("decodeErrors", out var errors))
            {
                foreach (var c in errors.EnumerateArray()) yield return Convert.FromHexString(c.GetProperty("bson").GetString()!);
            }
        }
    }

    [Fact]
    public void Agrees_with_the_decoder_on_every_corpus_input()
    {
        int count = 0;
        foreach (var bytes in CorpusInputs())
        {
            Agrees(bytes);
            count++;
        }

        Assert.True(count > 400, $"only {count} corpus inputs");
    }

    [Fact]
    public void Agrees_with_the_decoder_on_mutated_documents()
    {
        var random = new Random(20261122);
        var seeds = CorpusInputs().Where(b =>
        {
            try { BsonSerializer.Deserialize(b); return b.Length > 8; }
            catch (BsonFormatException) { return false; }
        }).ToList();
        seeds.Add(BsonSerializer.Serialize(new BsonDocument
        {
            { "_id", ObjectId.GenerateNewId() }, { "s", "héllo" }, { "a", new BsonArray { 1, "x", new BsonDocument("y", 2.5) } },
            { "r", new BsonRegularExpression("^a", "imx") }, { "b", new BsonBinary([1, 2, 3], BsonBinarySubType.Binary) },
        }));
        for (int round = 0; round < 20_000; round++)
        {
            var bytes = (byte[])seeds[random.Next(seeds.Count)].Clone();
            int flips = 1 + random.Next(3);
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            Agrees(bytes);
        }
    }

    [Fact]
    public void Non_canonical_array_keys_and_regex_options_are_reported()
    {
        // { a: [ 1 ] } with the array key "1" instead of "0".
        Assert.False(BsonValidator.Validate(TestData.Hex("14000000" + "046100" + "0C000000" + "103100" + "01000000" + "00" + "00")));
        // { r: /a/xi }: options out of order are sorted by the decoder.
        Assert.False(BsonValidator.Validate(TestData.Hex("0D000000" + "0B7200" + "6100" + "786900" + "00")));
        Assert.True(BsonValidator.Validate(BsonSerializer.Serialize(new BsonDocument { { "a", new BsonArray { 1, 2 } }, { "r", new BsonRegularExpression("a", "ix") } })));
    }

    [Fact]
    public void Depth_and_size_limits_follow_the_options()
    {
        var doc = new BsonDocument("a", new BsonDocument("b", new BsonDocument("c", 1)));
        var bytes = BsonSerializer.Serialize(doc); // 3 levels
        Assert.True(BsonValidator.Validate(bytes, new BsonReaderOptions { MaxDepth = 3 }));
        Assert.Throws<BsonFormatException>(() => BsonValidator.Validate(bytes, new BsonReaderOptions { MaxDepth = 2 }));
        Assert.Throws<BsonFormatException>(() => BsonValidator.Validate(bytes, new BsonReaderOptions { MaxDocumentSize = bytes.Length - 1 }));
    }
}
