using System.Security.Cryptography;

namespace Shopfloor.Device;

/// <summary>A generated stand-in for a camera image: JPEG markers around random bytes, with its real digests.</summary>
public sealed record GeneratedImage(byte[] Bytes, string Md5, string Sha256)
{
    /// <summary>Generates an image of <paramref name="size"/> bytes (at least 4) from <paramref name="random"/>.</summary>
    public static GeneratedImage Create(Random random, int size)
    {
        ArgumentNullException.ThrowIfNull(random);
        size = Math.Max(size, 4);
        var bytes = new byte[size];
        random.NextBytes(bytes);
        // SOI and EOI markers, so tools that sniff the type see a JPEG.
        bytes[0] = 0xFF;
        bytes[1] = 0xD8;
        bytes[^2] = 0xFF;
        bytes[^1] = 0xD9;
#pragma warning disable CA5351 // MD5 is the seed's file checksum field (integrity against corruption, not security); SHA-256 is also kept
        var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
        return new GeneratedImage(bytes, md5, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }
}
