namespace Outpost.Engine;

/// <summary>Options of <see cref="Collection.InsertAsync"/>.</summary>
public sealed class InsertOptions
{
    /// <summary>Shared default options (ordered, validated).</summary>
    public static InsertOptions Default { get; } = new();

    /// <summary>Ordered: stop at the first error. Unordered: attempt every document, report every error.</summary>
    public bool Ordered { get; init; } = true;

    /// <summary>Skip the collection's validator.</summary>
    public bool BypassDocumentValidation { get; init; }
}
