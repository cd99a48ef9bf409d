using Outpost.Bson;

namespace Outpost.Engine;

/// <summary>Options of <see cref="Collection.DeleteAsync"/>.</summary>
public sealed class DeleteOptions
{
    /// <summary>Shared default options.</summary>
    public static DeleteOptions Default { get; } = new();

    /// <summary>Ordered: stop at the first failing statement.</summary>
    public bool Ordered { get; init; } = true;

    /// <summary>Variables (<c>let</c>) visible as <c>$$name</c> in filters.</summary>
    public BsonDocument? Let { get; init; }
}
