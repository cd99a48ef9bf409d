using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Sync.Clock;
using Outpost.Sync.Merge;

namespace Outpost.Client.Local;

/// <summary>
/// Turns "document before → document after" (the result of running a MongoDB update locally) into the field changes
/// of a sync operation, shaped by the merge policy: set fields become element adds/removes, counters become deltas,
/// append logs become appended entries, field-merged documents are diffed field by field — so the server can merge
/// them with concurrent writes instead of overwriting.
/// </summary>
internal static class ChangeDiff
{
    public static List<FieldChange> Diff(MergePolicy policy, SyncMetadata meta, BsonDocument before, BsonDocument after)
    {
        var changes = new List<FieldChange>();
        DiffDocument(policy, meta, "", before, after, changes);
        return changes;
    }

    private static void DiffDocument(MergePolicy policy, SyncMetadata meta, string prefix, BsonDocument before, BsonDocument after, List<FieldChange> changes)
    {
        foreach (var element in before)
        {
            if (prefix.Length == 0 && element.Name == "_id") continue;
            if (!after.Contains(element.Name))
            {
                var path = prefix + element.Name;
                changes.Add(FieldChange.Unset(path, BaseOf(meta, path)));
            }
        }
        foreach (var element in after)
        {
            if (prefix.Length == 0 && element.Name == "_id") continue;
            var path = prefix + element.Name;
            before.TryGetValue(element.Name, out var old);
            if (old is not null && Same(old, element.Value)) continue;
            var (fieldPolicy, unit) = policy.Resolve(path);
            var value = element.Value;
            var baseStamp = BaseOf(meta, unit.Length > 0 ? unit : path);
            switch (fieldPolicy.Strategy)
            {
                case MergeStrategy.FieldMerge when old is BsonDocument oldDoc && value is BsonDocument newDoc:
                    DiffDocument(policy, meta, path + ".", oldDoc, newDoc, changes);
                    break;
                case MergeStrategy.SetUnion when value is BsonArray newSet:
                    var oldSet = old as BsonArray ?? [];
                    var added = new BsonArray();
                    var removed = new BsonArray();
                    foreach (var item in newSet) if (!ContainsValue(oldSet, item)) added.Add(item);
                    foreach (var item in oldSet) if (!ContainsValue(newSet, item)) removed.Add(item);
                    if (added.Count > 0) changes.Add(new FieldChange(path, FieldChangeKind.AddToSet, added, baseStamp));
                    if (removed.Count > 0) changes.Add(new FieldChange(path, FieldChangeKind.RemoveFromSet, removed, baseStamp));
                    break;
                case MergeStrategy.Counter when value.IsNumeric && (old is null || old.IsNumeric):
                    changes.Add(new FieldChange(path, FieldChangeKind.Increment, Subtract(value, old), baseStamp));
                    break;
                case MergeStrategy.AppendWithAttribution when value is BsonArray newLog && (old is null || (old is BsonArray oldLog && IsPrefix(oldLog, newLog))):
                    int start = old is BsonArray o ? o.Count : 0;
                    for (int i = start; i < newLog.Count; i++) changes.Add(new FieldChange(path, FieldChangeKind.Append, newLog[i], baseStamp));
                    break;
                default:
                    changes.Add(FieldChange.Set(path, value, baseStamp));
                    break;
            }
        }
    }

    /// <summary>The local stamp of a path or of its nearest stamped ancestor: what this device saw when it wrote.</summary>
    private static FieldStamp? BaseOf(SyncMetadata meta, string path)
    {
        string current = path;
        while (true)
        {
            if (meta.Stamps.TryGetValue(current, out var stamp)) return stamp;
            if (current.Length == 0) return null;
            int dot = current.LastIndexOf('.');
            current = dot < 0 ? "" : current[..dot];
        }
    }

    private static BsonValue Subtract(BsonValue value, BsonValue? old)
    {
        if (old is null) return value;
        if (value is BsonInt32 a && old is BsonInt32 b) return a.Value - b.Value;
        if (value is (BsonInt32 or BsonInt64) && old is (BsonInt32 or BsonInt64)) return value.ToInt64() - old.ToInt64();
        return value.ToDouble() - old.ToDouble();
    }

    private static bool IsPrefix(BsonArray prefix, BsonArray array)
    {
        if (prefix.Count > array.Count) return false;
        for (int i = 0; i < prefix.Count; i++) if (!Same(prefix[i], array[i])) return false;
        return true;
    }

    private static bool ContainsValue(BsonArray array, BsonValue value)
    {
        foreach (var item in array) if (Same(item, value)) return true;
        return false;
    }

    /// <summary>Byte-level equality (type and field order included), the equality replicas converge on.</summary>
    public static bool Same(BsonValue a, BsonValue b)
    {
        if (a.Type != b.Type) return false;
        if (a is BsonDocument da && b is BsonDocument db) return BsonSerializer.Serialize(da).AsSpan().SequenceEqual(BsonSerializer.Serialize(db));
        if (a is BsonArray aa && b is BsonArray ab)
        {
            if (aa.Count != ab.Count) return false;
            for (int i = 0; i < aa.Count; i++) if (!Same(aa[i], ab[i])) return false;
            return true;
        }
        return BsonComparer.Instance.Compare(a, b) == 0;
    }
}
