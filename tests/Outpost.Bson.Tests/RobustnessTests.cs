using System.Diagnostics;
using System.Text;
using Outpost.Bson.Serialization;

namespace Outpost.Bson.Tests;

/// <summary>Feeds random and mutated bytes to the decoder and the lazy view: only success or BsonFormatException.</summary>
public class RobustnessTests
{
    private const int Iterations = 100_000;

    [Fact]
    public void Random_and_mutated_inputs_only_succeed_or_throw_format_exception()
    {
        int seed = Environment.TickCount;
        var random = new Random(seed);
        var seeds = new List<byte[]>
        {
            BsonSerializer.Serialize(TestData.AllTypes()),
            BsonSerializer.Serialize(new BsonDocument { { "a", new BsonArray { 1, new BsonDocument("b", new BsonArray { "x" }) } } }),
            BsonSerializer.Serialize(new BsonDocument { { "s", "abc" }, { "n", 1 } }),
        };
        var stopwatch = Stopwatch.StartNew();
        int accepted = 0;
        for (int i = 0; i < Iterations; i++)
        {
            byte[] input = Mutate(random, seeds[random.Next(seeds.Count)]);
            try
            {
                var decoded = BsonSerializer.Deserialize(input, i % 2 == 0 ? BsonReaderOptions.Default : BsonReaderOptions.Eager);
                accepted++;
                // Nested documents, arrays and strings are built lazily from the validated bytes: building them all
                // must never fail once decoding has succeeded (validation at decode is the only place errors surface).
                BsonSerializer.Serialize(decoded);
                _ = decoded.ToString();
            }
            catch (BsonFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, iteration {i}: decoder threw {ex.GetType().Name}: {ex.Message} on {Convert.ToHexString(input)}");
            }

            try
            {
                WalkView(input);
            }
            catch (BsonFormatException)
            {
            }
            catch (Exception ex)
            {
                Assert.Fail($"seed {seed}, iteration {i}: view threw {ex.GetType().Name}: {ex.Message} on {Convert.ToHexString(input)}");
            }
        }

        // Bounded time: generous so that a loaded shared machine does not flake, but catches hangs.
        Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(2), $"seed {seed}: took {stopwatch.Elapsed}");
        Assert.True(accepted > 0, $"seed {seed}: no mutation survived, the mutator is too destructive to test acceptance");
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        byte[] bytes = (byte[])valid.Clone();
        switch (random.Next(6))
        {
            case 0: // flip a few bytes
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 1: // truncate (and sometimes fix the top-level length so the inner structure is exercised)
            {
                var cut = bytes.AsSpan(0, random.Next(bytes.Length)).ToArray();
                if (cut.Length >= 4 && random.Next(2) == 0)
                {
                    BitConverter.TryWriteBytes(cut, cut.Length);
                }

                return cut;
            }

            case 2: // overwrite an int32 somewhere with an interesting length
            {
                int at = random.Next(Math.Max(1, bytes.Length - 4));
                int[] lies = [0, 1, 4, 5, -1, int.MaxValue, int.MinValue, bytes.Length, bytes.Length - at, random.Next()];
                BitConverter.TryWriteBytes(bytes.AsSpan(at), lies[random.Next(lies.Length)]);
                return bytes;
            }

            case 3: // pure random bytes with a plausible length prefix
            {
                var junk = new byte[random.Next(5, 64)];
                random.NextBytes(junk);
                BitConverter.TryWriteBytes(junk, junk.Length);
                junk[^1] = 0;
                return junk;
            }

            case 4: // pure random bytes
            {
                var junk = new byte[random.Next(0, 32)];
                random.NextBytes(junk);
                return junk;
            }

            default: // change a type byte
                bytes[random.Next(4, Math.Max(5, bytes.Length))] = (byte)random.Next(0x14);
                return bytes;
        }
    }

    private static void WalkView(byte[] input)
    {
        var view = new BsonDocumentView(input);
        Walk(view, 0);
        view.TryGetValue("doc.y.1", out _);
    }

    private static void Walk(BsonDocumentView view, int depth)
    {
        if (depth > 200)
        {
            return;
        }

        foreach (var element in view)
        {
            var value = element.Value;
            switch (value.Type)
            {
                case BsonType.Document: Walk(value.AsDocument, depth + 1); break;
                case BsonType.Array: Walk(value.AsArray, depth + 1); break;
                case BsonType.Int32: _ = value.AsInt32; break;
                case BsonType.Int64: _ = value.AsInt64; break;
                case BsonType.Double: _ = value.AsDouble; break;
                case BsonType.Boolean: _ = value.AsBoolean; break;
                case BsonType.ObjectId: _ = value.AsObjectId; break;
                case BsonType.String: _ = value.AsString; break;
                default: break;
            }

            _ = value.ToBsonValue();
            _ = Encoding.UTF8.GetCharCount(element.Name);
        }
    }
}
