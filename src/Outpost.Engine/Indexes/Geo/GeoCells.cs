using System.Buffers.Binary;
using Outpost.Storage;

namespace Outpost.Engine.Indexes.Geo;

/// <summary>
/// The 2dsphere cell scheme: longitude and latitude quantized to 26 bits each and interleaved (a Morton/geohash
/// code), so a cell at any level is one contiguous key range. Keys are the 8-byte big-endian code; non-point
/// geometries share <see cref="OtherKey"/>, which every indexed geo query scans (its documents are filtered exactly).
/// </summary>
internal static class GeoCells
{
    public const int Bits = 26;
    private const int MaxCells = 64;

    /// <summary>The key of documents whose geometry is not a point.</summary>
    public static readonly byte[] OtherKey = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

    public static byte[] Key(double lon, double lat)
    {
        var key = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(key, Interleave(Quantize(lon, -180, 360), Quantize(lat, -90, 180)));
        return key;
    }

    private static uint Quantize(double v, double min, double span)
    {
        var q = (long)Math.Floor((v - min) / span * (1L << Bits));
        return (uint)Math.Clamp(q, 0, (1L << Bits) - 1);
    }

    private static ulong Interleave(uint x, uint y)
    {
        ulong code = 0;
        for (var i = Bits - 1; i >= 0; i--)
            code = (code << 2) | (((ulong)(x >> i) & 1) << 1) | ((ulong)(y >> i) & 1);
        return code;
    }

    /// <summary>Key ranges covering a lon/lat box (clamped to the world), plus the non-point key; sorted and merged.</summary>
    public static List<KeyRange> Cover(double minLon, double minLat, double maxLon, double maxLat)
    {
        minLon = Math.Max(-180, minLon);
        maxLon = Math.Min(180, maxLon);
        minLat = Math.Max(-90, minLat);
        maxLat = Math.Min(90, maxLat);
        uint x0 = Quantize(minLon, -180, 360), x1 = Quantize(maxLon, -180, 360), y0 = Quantize(minLat, -90, 180), y1 = Quantize(maxLat, -90, 180);

        // The finest level at which the box needs at most MaxCells cells.
        var level = Bits;
        while (level > 0 && ((long)((x1 >> (Bits - level)) - (x0 >> (Bits - level))) + 1) * (((y1 >> (Bits - level)) - (y0 >> (Bits - level))) + 1) > MaxCells) level--;
        var shift = Bits - level;
        var cells = new List<(ulong Lo, ulong Hi)>();
        for (var cx = x0 >> shift; cx <= x1 >> shift; cx++)
        {
            for (var cy = y0 >> shift; cy <= y1 >> shift; cy++)
            {
                var lo = Interleave(cx << shift, cy << shift);
                var span = 1UL << (2 * shift);
                cells.Add((lo, lo + span));
            }
        }

        cells.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        var ranges = new List<KeyRange>();
        ulong? start = null, end = null;
        foreach (var (lo, hi) in cells)
        {
            if (end == lo)
            {
                end = hi;
                continue;
            }

            if (start is not null) ranges.Add(Range(start.Value, end!.Value));
            start = lo;
            end = hi;
        }

        if (start is not null) ranges.Add(Range(start.Value, end!.Value));
        ranges.Add(KeyRange.Prefix(OtherKey));
        return ranges;
    }

    private static KeyRange Range(ulong lo, ulong hi)
    {
        var l = new byte[8];
        var h = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(l, lo);
        BinaryPrimitives.WriteUInt64BigEndian(h, hi);
        return KeyRange.HalfOpen(l, h);
    }
}
