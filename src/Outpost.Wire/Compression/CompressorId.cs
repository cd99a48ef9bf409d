namespace Outpost.Wire.Compression;

/// <summary>The compressorId byte of OP_COMPRESSED.</summary>
public enum CompressorId : byte
{
    /// <summary>No compression (the body is copied as is).</summary>
    Noop = 0,
    /// <summary>Google Snappy, raw block format.</summary>
    Snappy = 1,
    /// <summary>zlib (RFC 1950).</summary>
    Zlib = 2,
    /// <summary>Zstandard; not offered by Outpost.</summary>
    Zstd = 3,
}
