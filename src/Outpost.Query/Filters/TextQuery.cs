namespace Outpost.Query.Filters;

/// <summary>A parsed $text predicate; the engine evaluates it with its text index and supplies the scores.</summary>
public sealed class TextQuery
{
    public required string Search { get; init; }
    public string? Language { get; init; }
    public bool CaseSensitive { get; init; }
    public bool DiacriticSensitive { get; init; }
}
