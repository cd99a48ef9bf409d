namespace Outpost.Sync.Clock;

/// <summary>
/// Who wrote a value and when: an HLC reading plus the writing node's id, which breaks ties between equal
/// readings so that every replica orders any two writes the same way.
/// </summary>
public readonly record struct FieldStamp(HlcTimestamp Time, string Node) : IComparable<FieldStamp>
{
    public int CompareTo(FieldStamp other)
    {
        int c = Time.CompareTo(other.Time);
        return c != 0 ? c : string.CompareOrdinal(Node, other.Node);
    }

    public static bool operator <(FieldStamp a, FieldStamp b) => a.CompareTo(b) < 0;
    public static bool operator >(FieldStamp a, FieldStamp b) => a.CompareTo(b) > 0;
    public static bool operator <=(FieldStamp a, FieldStamp b) => a.CompareTo(b) <= 0;
    public static bool operator >=(FieldStamp a, FieldStamp b) => a.CompareTo(b) >= 0;

    public override string ToString() => $"{Time}@{Node}";
}
