namespace Outpost.Engine.Client;

/// <summary>Options of <see cref="OutpostDatabase.OpenAsync(string, OutpostDatabaseOptions?, CancellationToken)"/>.</summary>
public sealed class OutpostDatabaseOptions
{
    /// <summary>The database name inside the engine (default "default").</summary>
    public string DatabaseName { get; init; } = "default";

    /// <summary>Mapping conventions for typed collections.</summary>
    public BsonMapperOptions Mapping { get; init; } = new();
}
