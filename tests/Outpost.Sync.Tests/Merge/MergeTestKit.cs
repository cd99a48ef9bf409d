using Outpost.Bson;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;

namespace Outpost.Sync.Tests.Merge;

/// <summary>Small builders so merge tests read as the scenarios they describe.</summary>
internal static class MergeTestKit
{
    public static FieldStamp At(long ms, string node = "a") => new(new HlcTimestamp(ms, 0), node);

    private static long _sequence;

    public static DocumentOperation Op(FieldStamp stamp, params FieldChange[] changes) =>
        new(stamp.Node, Interlocked.Increment(ref _sequence), "photos", "p1", false, changes, stamp);

    public static DocumentOperation Delete(FieldStamp stamp) =>
        new(stamp.Node, Interlocked.Increment(ref _sequence), "photos", "p1", true, [], stamp);

    public static FieldChange Add(string path, params BsonValue[] items) => new(path, FieldChangeKind.AddToSet, new BsonArray(items));
    public static FieldChange Remove(string path, params BsonValue[] items) => new(path, FieldChangeKind.RemoveFromSet, new BsonArray(items));
    public static FieldChange Append(string path, BsonValue value) => new(path, FieldChangeKind.Append, value);
    public static FieldChange Inc(string path, BsonValue delta) => new(path, FieldChangeKind.Increment, delta);

    /// <summary>Max by MongoDB order: commutative and associative, as a resolver must be.</summary>
    public sealed class MaxResolver : IFieldResolver
    {
        public BsonValue? Resolve(string path, StampedValue current, StampedValue incoming) =>
            current.Value is null ? incoming.Value
            : incoming.Value is null ? current.Value
            : BsonComparer.Instance.Compare(current.Value, incoming.Value) >= 0 ? current.Value : incoming.Value;
    }

    public static MergePolicy PlantPolicy() => new MergePolicy()
        .For("syncStatus", FieldPolicy.SyncStatusPriority)
        .For("tags", new FieldPolicy(MergeStrategy.SetUnion))
        .For("notes", new FieldPolicy(MergeStrategy.AppendWithAttribution))
        .For("views", new FieldPolicy(MergeStrategy.Counter))
        .For("inspection", new FieldPolicy(MergeStrategy.LastWriterWins))
        .For("decision", new FieldPolicy(MergeStrategy.KeepBoth))
        .For("grade", new FieldPolicy(MergeStrategy.Custom) { Resolver = new MaxResolver() });
}
