using Outpost.Bson;

namespace Outpost.Wire.Commands;

/// <summary>Typed access to command options with MongoDB's lenient number and truthiness rules.</summary>
public static class CommandArgs
{
    /// <summary>True for true, non-zero numbers; false when absent, null or false.</summary>
    public static bool GetBool(BsonDocument command, string name, bool defaultValue = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue(name, out var value) || value.IsNull) return defaultValue;
        if (value.IsBoolean) return value.AsBoolean;
        if (value.IsNumeric) return value.ToDouble() != 0;
        throw new MongoException(ErrorCodes.TypeMismatch, $"Field '{name}' should be a boolean value, but found: {value.Type}");
    }

    /// <summary>An integral option; <paramref name="defaultValue"/> when absent or null.</summary>
    public static long GetInt64(BsonDocument command, string name, long defaultValue = 0)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue(name, out var value) || value.IsNull) return defaultValue;
        if (value.IsNumeric) return value.ToInt64();
        throw new MongoException(ErrorCodes.TypeMismatch, $"Field '{name}' should be a number, but found: {value.Type}");
    }

    /// <summary>A string option, or null when absent.</summary>
    public static string? GetString(BsonDocument command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue(name, out var value) || value.IsNull) return null;
        if (value.IsString) return value.AsString;
        throw new MongoException(ErrorCodes.TypeMismatch, $"Field '{name}' should be a string, but found: {value.Type}");
    }

    /// <summary>A document option, or null when absent.</summary>
    public static BsonDocument? GetDocument(BsonDocument command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue(name, out var value) || value.IsNull) return null;
        if (value.IsDocument) return value.AsDocument;
        throw new MongoException(ErrorCodes.TypeMismatch, $"Field '{name}' should be an object, but found: {value.Type}");
    }

    /// <summary>An array option, or null when absent.</summary>
    public static BsonArray? GetArray(BsonDocument command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!command.TryGetValue(name, out var value) || value.IsNull) return null;
        if (value.IsArray) return value.AsArray;
        throw new MongoException(ErrorCodes.TypeMismatch, $"Field '{name}' should be an array, but found: {value.Type}");
    }
}
