namespace Outpost.Engine.Catalog;

/// <summary>MongoDB's database and collection naming rules (73 InvalidNamespace).</summary>
internal static class Names
{
    public static void ValidateDatabase(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length >= 64 || name.AsSpan().IndexOfAny("/\\. \"$\0") >= 0)
            throw EngineErrors.InvalidNamespace($"Invalid database name: '{name}'");
    }

    public static void ValidateCollection(string database, string name)
    {
        if (string.IsNullOrEmpty(name))
            throw EngineErrors.InvalidNamespace($"Invalid namespace specified '{database}.'");
        if (name.Contains('\0') || name.Contains('$') || name.StartsWith('.') || name.EndsWith('.'))
            throw EngineErrors.InvalidNamespace($"Invalid collection name: {name}");
    }
}
