using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>A field value (null when missing) with the stamp of the write that produced it.</summary>
public readonly record struct StampedValue(BsonValue? Value, FieldStamp Stamp);
