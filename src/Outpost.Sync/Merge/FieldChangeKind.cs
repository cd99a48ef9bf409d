namespace Outpost.Sync.Merge;

/// <summary>What a client did to one field.</summary>
public enum FieldChangeKind
{
    Set,
    Unset,
    /// <summary>Adds <c>Value</c> (a number) to a counter.</summary>
    Increment,
    /// <summary>Adds the elements of <c>Value</c> (an array) to a set field.</summary>
    AddToSet,
    /// <summary>Removes the elements of <c>Value</c> (an array) from a set field.</summary>
    RemoveFromSet,
    /// <summary>Appends <c>Value</c> as one attributed entry.</summary>
    Append,
}
