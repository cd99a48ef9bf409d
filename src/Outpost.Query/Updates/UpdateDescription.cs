using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>What an update changed, in the change-stream form (updatedFields, removedFields, truncatedArrays).</summary>
public sealed class UpdateDescription
{
    /// <summary>Dotted paths set by the update, with their new values.</summary>
    public BsonDocument UpdatedFields { get; } = new();

    /// <summary>Dotted paths removed by the update.</summary>
    public List<string> RemovedFields { get; } = [];

    /// <summary>Arrays shortened from the end (path, new size), as change streams report them.</summary>
    public List<(string Field, int NewSize)> TruncatedArrays { get; } = [];

    /// <summary>Whether the update replaced the whole document (replacement or pipeline $replaceRoot).</summary>
    public bool IsReplacement { get; internal set; }
}
