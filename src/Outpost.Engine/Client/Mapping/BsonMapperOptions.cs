namespace Outpost.Engine.Client;

/// <summary>Conventions of a <see cref="BsonMapper"/>.</summary>
public sealed class BsonMapperOptions
{
    /// <summary>Element names are the member names with a lower-case first letter (<c>FirstName</c> → <c>firstName</c>).</summary>
    public bool CamelCaseElementNames { get; init; }

    /// <summary>Enums are stored by name rather than by number (reading accepts both either way).</summary>
    public bool EnumsAsStrings { get; init; }

    /// <summary>Members whose value is null are left out of the document instead of stored as BSON null.</summary>
    public bool IgnoreNullValues { get; init; }
}
