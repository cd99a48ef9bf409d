using Outpost.Bson;

namespace Outpost.Benchmarks.Load;

/// <summary>
/// The ~1.5 KB photo document of the wire-vs-embedded load: <see cref="PhotoMetadataSample"/> with a two-entry audit
/// trail and per-document _id, station, time and checksum. bench/wire-load/photo.mjs builds the same document for the
/// Node.js driver, so both sides store byte-for-byte comparable data (both print the BSON size).
/// </summary>
public static class LoadPhoto
{
    /// <summary>The _id of document number <paramref name="i"/> (shared with the JS tool).</summary>
    public static string IdOf(int i) => $"photo_{i:D6}";

    /// <summary>Builds document number <paramref name="i"/> from a template made by <see cref="CreateTemplate"/>.</summary>
    public static BsonDocument Create(BsonDocument template, int i)
    {
        var doc = template.DeepClone();
        doc.Set("_id", IdOf(i));
        doc.Set("stationId", $"station_{i % 40}");
        doc.Set("capturedAt", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i));
        doc.Set("qualityScore", i % 100);
        doc.Set("checksumMD5", $"md5_{i:D8}");
        return doc;
    }

    /// <summary>The shared template: the PhotoMetadata sample trimmed to two audit entries (~1.5 KB of BSON).</summary>
    public static BsonDocument CreateTemplate()
    {
        var template = PhotoMetadataSample.Create();
        var audit = template["auditTrail"].AsArray;
        var trimmed = new BsonArray { audit[0], audit[1] };
        template.Set("auditTrail", trimmed);
        return template;
    }
}
