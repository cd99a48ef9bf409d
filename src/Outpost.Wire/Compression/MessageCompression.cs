using System.Buffers;
using System.IO.Compression;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Compression;

/// <summary>The compressors Outpost offers in hello's <c>compression</c> negotiation, and their codecs.</summary>
public static class MessageCompression
{
    /// <summary>Handshake names Outpost supports, in the server's preference order ("zstd" only when libzstd is present).</summary>
    public static IReadOnlyList<string> SupportedNames { get; } =
        ZstdCodec.IsAvailable ? ["zstd", "snappy", "zlib"] : ["snappy", "zlib"];

    /// <summary>Maps a handshake compressor name to its id; false for names Outpost does not offer.</summary>
    public static bool TryParse(string name, out CompressorId id)
    {
        switch (name)
        {
            case "snappy": id = CompressorId.Snappy; return true;
            case "zlib": id = CompressorId.Zlib; return true;
            case "zstd" when ZstdCodec.IsAvailable: id = CompressorId.Zstd; return true;
            case "noop": id = CompressorId.Noop; return true;
            default: id = default; return false;
        }
    }

    /// <summary>Decompresses <paramref name="source"/> into exactly <paramref name="destination"/>.</summary>
    /// <exception cref="WireProtocolException">Unknown compressor, malformed input, or wrong size.</exception>
    public static void Decompress(CompressorId id, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        switch (id)
        {
            case CompressorId.Noop:
                if (source.Length != destination.Length) throw new WireProtocolException("noop compressor: size mismatch");
                source.CopyTo(destination);
                return;
            case CompressorId.Snappy:
                SnappyCodec.Decompress(source, destination);
                return;
            case CompressorId.Zlib:
                DecompressZlib(source, destination);
                return;
            case CompressorId.Zstd:
                ZstdCodec.Decompress(source, destination);
                return;
            default:
                throw new WireProtocolException($"unsupported compressor id {(byte)id}");
        }
    }

    /// <summary>Compresses <paramref name="source"/> with <paramref name="id"/>, appending to <paramref name="output"/>.</summary>
    public static void Compress(CompressorId id, ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (id)
        {
            case CompressorId.Noop:
                output.Write(source);
                return;
            case CompressorId.Snappy:
                SnappyCodec.Compress(source, output);
                return;
            case CompressorId.Zlib:
                using (var stream = new ZLibStream(new BufferWriterStream(output), CompressionLevel.Fastest, leaveOpen: false))
                {
                    stream.Write(source);
                }
                return;
            case CompressorId.Zstd:
                ZstdCodec.Compress(source, output);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(id), id, "unsupported compressor");
        }
    }

    private static unsafe void DecompressZlib(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        try
        {
            fixed (byte* p = source)
            {
                using var input = new UnmanagedMemoryStream(p, source.Length);
                using var zlib = new ZLibStream(input, CompressionMode.Decompress);
                int total = 0;
                while (total < destination.Length)
                {
                    int n = zlib.Read(destination[total..]);
                    if (n == 0) break;
                    total += n;
                }
                Span<byte> probe = stackalloc byte[1];
                if (total != destination.Length || zlib.Read(probe) != 0)
                {
                    throw new WireProtocolException("zlib: uncompressed size differs from the header's");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new WireProtocolException("zlib: malformed input", e);
        }
    }
}
