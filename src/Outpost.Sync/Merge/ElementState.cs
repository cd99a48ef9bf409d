using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>One element of a set field: present when its last add is newer than its last remove.</summary>
public sealed record ElementState(BsonValue Value, FieldStamp? Added, FieldStamp? Removed)
{
    public bool IsPresent => Added is { } a && (Removed is not { } r || a > r);
}
