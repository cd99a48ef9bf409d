namespace Outpost.Bson.Json;

/// <summary>How permissive <see cref="BsonJson"/> parsing is.</summary>
public sealed record BsonJsonReaderOptions
{
    /// <summary>
    /// The default: Extended JSON v2 (canonical and relaxed) plus legacy forms — <c>{"$date": &lt;number&gt;}</c>,
    /// <c>{"$regex": "…", "$options": "…"}</c>, <c>{"$binary": "…", "$type": "…"}</c> — and shell conveniences.
    /// </summary>
    public static BsonJsonReaderOptions Default { get; } = new();

    /// <summary>Extended JSON v2 only (legacy forms are errors); shell syntax conveniences stay accepted.</summary>
    public static BsonJsonReaderOptions Strict { get; } = new() { AllowLegacyExtendedJson = false };

    /// <summary>Accept Legacy Extended JSON forms (see <see cref="Default"/>).</summary>
    public bool AllowLegacyExtendedJson { get; init; } = true;

    /// <summary>Deepest accepted nesting of objects and arrays.</summary>
    public int MaxDepth { get; init; } = 200;
}
