namespace Outpost.Bson.Json;

/// <summary>The Extended JSON v2 flavour to write.</summary>
public enum JsonOutputMode
{
    /// <summary>Type-preserving: every number and date is wrapped (<c>{"$numberInt": "1"}</c>), so it parses back to the same BSON.</summary>
    CanonicalExtendedJson,

    /// <summary>Readable: finite numbers as JSON numbers, dates from 1970 to 9999 as ISO-8601 strings; other types as canonical.</summary>
    RelaxedExtendedJson,
}
