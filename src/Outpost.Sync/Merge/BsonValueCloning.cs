using Outpost.Bson;

namespace Outpost.Sync.Merge;

internal static class BsonValueCloning
{
    /// <summary>Deep copy of containers; scalars are immutable and shared.</summary>
    public static BsonValue DeepCloneValue(this BsonValue value) => value switch
    {
        BsonDocument d => d.DeepClone(),
        BsonArray a => a.DeepClone(),
        _ => value,
    };
}
