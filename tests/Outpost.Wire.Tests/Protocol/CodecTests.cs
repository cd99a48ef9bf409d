using System.Text;
using Outpost.Wire.Buffers;
using Outpost.Wire.Compression;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Tests.Protocol;

public class CodecTests
{
    [Fact]
    public void Crc32C_matches_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0u, Crc32C.Compute([]));
    }

    private static readonly int[] Sizes = [0, 1, 3, 4, 17, 100, 4096, 65535, 65536, 65537, 300_000];

    public static TheoryData<CompressorId, int> CompressorsAndSizes()
    {
        var data = new TheoryData<CompressorId, int>();
        foreach (var id in new[] { CompressorId.Snappy, CompressorId.Zstd })
        {
            foreach (int size in Sizes) data.Add(id, size);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CompressorsAndSizes))]
    public void Compressors_round_trip_random_and_repetitive_data(CompressorId compressor, int size)
    {
        Assert.SkipWhen(compressor == CompressorId.Zstd && !ZstdCodec.IsAvailable, "libzstd is not installed");
        var random = new Random(size);
        byte[] noise = new byte[size];
        random.NextBytes(noise);
        byte[] text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("the quick brown fox ", size / 20 + 1)))[..size];
        foreach (var data in new[] { noise, text })
        {
            using var compressed = new PooledBufferWriter();
            MessageCompression.Compress(compressor, data, compressed);
            byte[] back = new byte[data.Length];
            MessageCompression.Decompress(compressor, compressed.WrittenSpan, back);
            Assert.Equal(data, back);
            if (compressor == CompressorId.Zstd && data == text && size >= 4096) Assert.True(compressed.WrittenCount < size / 10, $"{compressed.WrittenCount} bytes");
        }
    }

    [Fact]
    public void Snappy_compresses_repetitive_data()
    {
        byte[] text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("abcdefgh", 10_000)));
        using var compressed = new PooledBufferWriter();
        SnappyCodec.Compress(text, compressed);
        Assert.True(compressed.WrittenCount < text.Length / 10, $"{compressed.WrittenCount} bytes");
    }

    [Fact]
    public void Snappy_decodes_a_hand_built_stream_with_an_overlapping_copy()
    {
        // length 10; literal "ab"; copy1 length 8 offset 2 → "ababababab"
        byte[] stream = [10, (2 - 1) << 2, (byte)'a', (byte)'b', 1 | ((8 - 4) << 2), 2];
        byte[] output = new byte[10];
        SnappyCodec.Decompress(stream, output);
        Assert.Equal("ababababab", Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void Snappy_rejects_copies_before_the_start()
    {
        byte[] stream = [4, 1 | (0 << 2), 9];
        Assert.Throws<WireProtocolException>(() => SnappyCodec.Decompress(stream, new byte[4]));
    }

    [Fact]
    public void Zlib_round_trips_and_rejects_garbage()
    {
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello zlib ", 1000)));
        using var compressed = new PooledBufferWriter();
        MessageCompression.Compress(CompressorId.Zlib, data, compressed);
        byte[] back = new byte[data.Length];
        MessageCompression.Decompress(CompressorId.Zlib, compressed.WrittenSpan, back);
        Assert.Equal(data, back);
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zlib, [1, 2, 3, 4, 5], new byte[10]));
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zlib, compressed.WrittenSpan, new byte[data.Length + 1]));
    }

    [Fact]
    public void Zstd_rejects_garbage_truncation_and_a_wrong_declared_size()
    {
        Assert.SkipUnless(ZstdCodec.IsAvailable, "libzstd is not installed");
        Assert.Contains("zstd", MessageCompression.SupportedNames);
        byte[] data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hello zstd ", 1000)));
        using var compressed = new PooledBufferWriter();
        MessageCompression.Compress(CompressorId.Zstd, data, compressed);
        byte[] frame = compressed.WrittenSpan.ToArray();
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zstd, [1, 2, 3, 4, 5], new byte[10]));
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zstd, frame[..^3], new byte[data.Length]));
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zstd, frame, new byte[data.Length + 1]));
        // Smaller than the frame's content: libzstd stops at the buffer's end instead of writing past it.
        Assert.Throws<WireProtocolException>(() => MessageCompression.Decompress(CompressorId.Zstd, frame, new byte[data.Length - 1]));
        var random = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            byte[] mangled = (byte[])frame.Clone();
            mangled[random.Next(mangled.Length)] ^= (byte)(1 << random.Next(8));
            byte[] back = new byte[data.Length];
            try
            {
                MessageCompression.Decompress(CompressorId.Zstd, mangled, back);
            }
            catch (WireProtocolException)
            {
                // expected for most flips; the rest decode to some bytes of the declared size, which is all OP_COMPRESSED asks
            }
        }
    }
}
