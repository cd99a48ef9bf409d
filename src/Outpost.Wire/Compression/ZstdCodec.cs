using System.Buffers;
using System.Runtime.InteropServices;
using Outpost.Wire.Protocol;

namespace Outpost.Wire.Compression;

/// <summary>
/// Zstandard for OP_COMPRESSED (compressor id 3), through the system's libzstd (Debian's <c>libzstd1</c>, which every
/// Debian system has because dpkg depends on it; Homebrew's or vcpkg's library elsewhere). .NET 10 has no managed
/// Zstandard, and a hand-written decoder of the full format would be a large, security-sensitive piece of code, while
/// libzstd is the reference implementation and is fuzzed continuously. When the library is absent, <see cref="IsAvailable"/>
/// is false and the server simply does not offer "zstd" in the hello negotiation; nothing else changes.
/// </summary>
public static unsafe class ZstdCodec
{
    /// <summary>Level 1: the fastest standard level (the server compresses every reply of a zstd connection; like the
    /// zlib path, it prefers CPU over ratio). Decompression speed does not depend on the level.</summary>
    private const int Level = 1;

    private static readonly Native? Lib = Native.TryLoad();

    /// <summary>Whether libzstd was found and loaded.</summary>
    public static bool IsAvailable => Lib is not null;

    /// <summary>Compresses <paramref name="source"/> as one zstd frame, appending it to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidOperationException">libzstd is not available.</exception>
    public static void Compress(ReadOnlySpan<byte> source, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var lib = Lib ?? throw new InvalidOperationException("zstd: libzstd is not available on this system");
        nuint bound = lib.CompressBound((nuint)source.Length);
        var destination = output.GetSpan(checked((int)bound));
        nuint written;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            written = lib.Compress(dst, (nuint)destination.Length, src, (nuint)source.Length, Level);
        }
        if (lib.IsError(written) != 0) throw new InvalidOperationException("zstd: " + lib.ErrorName(written));
        output.Advance((int)written);
    }

    /// <summary>Decompresses one zstd frame into exactly <paramref name="destination"/> (the size OP_COMPRESSED declared).</summary>
    /// <exception cref="WireProtocolException">libzstd is absent, the input is malformed, or its size differs from the header's.</exception>
    public static void Decompress(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        // A client can only send zstd if the server offered it, so this is a protocol error, not a server fault.
        var lib = Lib ?? throw new WireProtocolException("zstd: this server does not support the zstd compressor");
        nuint result;
        fixed (byte* src = source)
        fixed (byte* dst = destination)
        {
            // libzstd never writes past dstCapacity: a frame that claims (or decodes to) more fails with dstSize_tooSmall.
            result = lib.Decompress(dst, (nuint)destination.Length, src, (nuint)source.Length);
        }
        if (lib.IsError(result) != 0) throw new WireProtocolException("zstd: malformed input (" + lib.ErrorName(result) + ")");
        if (result != (nuint)destination.Length) throw new WireProtocolException("zstd: uncompressed size differs from the header's");
    }

    /// <summary>The library's entry points, resolved once. Function pointers instead of DllImport so that a missing
    /// library is a boolean at start-up rather than a DllNotFoundException on the first compressed message.</summary>
    private sealed class Native
    {
        private static readonly string[] Candidates =
            ["libzstd.so.1", "libzstd.so", "libzstd.1.dylib", "libzstd.dylib", "libzstd.dll", "zstd.dll"];

        public required delegate* unmanaged<nuint, nuint> CompressBound { get; init; }
        public required delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint> Compress { get; init; }
        public required delegate* unmanaged<byte*, nuint, byte*, nuint, nuint> Decompress { get; init; }
        public required delegate* unmanaged<nuint, uint> IsError { get; init; }
        public required delegate* unmanaged<nuint, byte*> GetErrorName { get; init; }

        public string ErrorName(nuint code) => Marshal.PtrToStringUTF8((nint)GetErrorName(code)) ?? "unknown error";

        public static Native? TryLoad()
        {
            foreach (string name in Candidates)
            {
                if (!NativeLibrary.TryLoad(name, out nint handle)) continue;
                if (NativeLibrary.TryGetExport(handle, "ZSTD_compressBound", out nint bound)
                    && NativeLibrary.TryGetExport(handle, "ZSTD_compress", out nint compress)
                    && NativeLibrary.TryGetExport(handle, "ZSTD_decompress", out nint decompress)
                    && NativeLibrary.TryGetExport(handle, "ZSTD_isError", out nint isError)
                    && NativeLibrary.TryGetExport(handle, "ZSTD_getErrorName", out nint errorName))
                {
                    return new Native
                    {
                        CompressBound = (delegate* unmanaged<nuint, nuint>)bound,
                        Compress = (delegate* unmanaged<byte*, nuint, byte*, nuint, int, nuint>)compress,
                        Decompress = (delegate* unmanaged<byte*, nuint, byte*, nuint, nuint>)decompress,
                        IsError = (delegate* unmanaged<nuint, uint>)isError,
                        GetErrorName = (delegate* unmanaged<nuint, byte*>)errorName,
                    };
                }
                NativeLibrary.Free(handle);
            }
            return null;
        }
    }
}
