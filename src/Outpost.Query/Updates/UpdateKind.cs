namespace Outpost.Query.Updates;

/// <summary>The three forms of an update.</summary>
public enum UpdateKind
{
    Operators,
    Replacement,
    Pipeline,
}
