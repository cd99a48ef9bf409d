namespace Outpost.Engine;

/// <summary>
/// The result of <see cref="Collection.TryFindRawByIdAsync"/>: whether the find was a plain _id point lookup the engine
/// could answer with the stored bytes, and those bytes (null when no document has that _id).
/// </summary>
/// <param name="Eligible">False when the find needs the general path (<see cref="Collection.FindAsync"/>).</param>
/// <param name="Document">The stored BSON of the document found; null when none matched.</param>
public readonly record struct RawLookup(bool Eligible, byte[]? Document)
{
    /// <summary>Not a plain _id lookup: use <see cref="Collection.FindAsync"/>.</summary>
    public static RawLookup NotEligible => default;
}
