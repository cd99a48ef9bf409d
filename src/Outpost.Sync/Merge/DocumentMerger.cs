using Outpost.Bson;
using Outpost.Sync.Clock;

namespace Outpost.Sync.Merge;

/// <summary>
/// Applies client operations to the server's copy of a document under a <see cref="MergePolicy"/>.
/// </summary>
/// <remarks>
/// Every path is a last-writer-wins register ordered by <see cref="FieldStamp"/>, arranged as a tree: a write at a path
/// supersedes older writes at that path, above it and below it, while newer writes below it survive on top. Set, append
/// and counter fields keep per-element (per-entry, per-increment) stamps, so a write above them resets only what is older.
/// Because every decision compares stamps, and stamps are totally ordered, the merged document does not depend on the
/// order in which operations arrive — which is what makes every replica converge on the server's bytes.
/// </remarks>
public sealed class DocumentMerger
{
    private readonly MergePolicy _policy;
    private readonly string _collection;

    public DocumentMerger(string collection, MergePolicy policy)
    {
        _collection = collection;
        _policy = policy;
    }

    /// <summary>Applies one operation to <paramref name="state"/> in place.</summary>
    /// <exception cref="MergeRejectedException">The operation cannot be applied under the policy.</exception>
    public MergeOutcome Apply(MergeState state, DocumentOperation operation)
    {
        var run = new Run(this, state, operation);
        if (operation.IsDelete)
        {
            run.WriteTree("", null, operation.Stamp, null, isDelete: true);
        }
        else
        {
            foreach (var change in operation.Changes)
            {
                run.Apply(change);
            }
        }
        if (run.Changed)
        {
            CanonicalOrder.Apply(state.Document);
            var meta = state.Metadata;
            if (meta.Version is not { } v || operation.Stamp > v)
            {
                meta.Version = operation.Stamp;
            }
            meta.Deleted = state.Document.ElementCount <= 1 && meta.Stamps.TryGetValue("", out var root) && run.RootDeletedAt == root;
            if (!operation.IsDelete && state.Document.ElementCount > 1)
            {
                meta.Deleted = false;
            }
        }
        return new MergeOutcome(run.Changed, run.Conflicts);
    }

    /// <summary>The state of one <see cref="Apply"/> call.</summary>
    private sealed class Run(DocumentMerger merger, MergeState state, DocumentOperation op)
    {
        private readonly SyncMetadata _meta = state.Metadata;
        private readonly BsonDocument _doc = state.Document;

        public bool Changed { get; private set; }
        public List<ConflictRecord> Conflicts { get; } = [];
        public FieldStamp? RootDeletedAt { get; private set; }

        public void Apply(FieldChange change)
        {
            if (change.Path == "_id" || change.Path.StartsWith("_id.", StringComparison.Ordinal))
            {
                throw new MergeRejectedException("_id cannot be changed by sync operations");
            }
            var (policy, unit) = merger._policy.Resolve(change.Path);
            var stamp = op.Stamp;
            switch (policy.Strategy)
            {
                case MergeStrategy.FieldMerge:
                    RequireKinds(change, policy, FieldChangeKind.Set, FieldChangeKind.Unset);
                    WriteTree(change.Path, change.Value, stamp, change.Base, isDelete: false, policy.Strategy);
                    break;
                case MergeStrategy.LastWriterWins:
                    RequireKinds(change, policy, FieldChangeKind.Set, FieldChangeKind.Unset);
                    RequireUnit(change, unit);
                    WriteTree(unit, change.Value, stamp, change.Base, isDelete: false, policy.Strategy);
                    break;
                case MergeStrategy.Priority:
                    RequireKinds(change, policy, FieldChangeKind.Set, FieldChangeKind.Unset);
                    RequireUnit(change, unit);
                    WritePriority(unit, policy, change, stamp);
                    break;
                case MergeStrategy.KeepBoth:
                case MergeStrategy.Custom:
                    RequireKinds(change, policy, FieldChangeKind.Set, FieldChangeKind.Unset);
                    RequireUnit(change, unit);
                    WriteConcurrent(unit, policy, change, stamp);
                    break;
                case MergeStrategy.SetUnion:
                    RequireUnit(change, unit);
                    WriteSet(unit, change, stamp);
                    break;
                case MergeStrategy.AppendWithAttribution:
                    RequireUnit(change, unit);
                    WriteAppend(unit, change, stamp);
                    break;
                case MergeStrategy.Counter:
                    RequireUnit(change, unit);
                    WriteCounter(unit, change, stamp);
                    break;
            }
        }

        /// <summary>A last-writer-wins write at <paramref name="path"/> (null value: unset; root with isDelete: delete).</summary>
        public void WriteTree(string path, BsonValue? value, FieldStamp stamp, FieldStamp? baseStamp, bool isDelete,
            MergeStrategy strategy = MergeStrategy.FieldMerge)
        {
            if (path.Length == 0 && value is not null and not BsonDocument)
            {
                throw new MergeRejectedException("a whole-document write needs a document");
            }
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            if (_meta.Stamps.TryGetValue(path, out var current))
            {
                if (current == stamp)
                {
                    return; // the same write delivered again
                }
                bool concurrent = baseStamp != current;
                if (current > stamp)
                {
                    if (concurrent)
                    {
                        Conflict(path, strategy, new(DocumentPath.Get(_doc, path), current), new(value, stamp), DocumentPath.Get(_doc, path), false);
                    }
                    return;
                }
                if (concurrent)
                {
                    Conflict(path, strategy, new(DocumentPath.Get(_doc, path), current), new(value, stamp), value, false);
                }
            }
            Overwrite(path, value, stamp);
            if (isDelete)
            {
                RootDeletedAt = stamp;
            }
        }

        /// <summary>
        /// Replaces the value at a path, keeping newer writes below it and resetting the set/append/counter units below it.
        /// </summary>
        private void Overwrite(string path, BsonValue? value, FieldStamp stamp)
        {
            var survivors = new List<(string Path, FieldStamp Stamp, BsonValue? Value)>();
            var stale = new List<string>();
            foreach (var (p, s) in _meta.Stamps)
            {
                if (DocumentPath.IsAncestor(path, p))
                {
                    if (s > stamp)
                    {
                        survivors.Add((p, s, DocumentPath.Get(_doc, p)));
                    }
                    stale.Add(p);
                }
            }
            foreach (var p in stale)
            {
                _meta.Stamps.Remove(p);
            }
            // The writer of this path saw (and so resolves) its concurrent values; below it, only older ones are superseded.
            _meta.Siblings.Remove(path);
            var pruned = new List<string>();
            foreach (var (p, list) in _meta.Siblings)
            {
                if (DocumentPath.IsAncestor(path, p) && list.RemoveAll(v => v.Stamp <= stamp) > 0)
                {
                    pruned.Add(p);
                }
            }

            if (path.Length == 0)
            {
                var id = _doc["_id"];
                _doc.Clear();
                _doc.Add("_id", id);
                if (value is BsonDocument replacement)
                {
                    foreach (var element in replacement)
                    {
                        if (element.Name != "_id")
                        {
                            _doc.Add(element.Name, element.Value.DeepCloneValue());
                        }
                    }
                }
            }
            else
            {
                DocumentPath.Set(_doc, path, value?.DeepCloneValue());
            }
            _meta.Stamps[path] = stamp;

            ResetUnitsBelow(path, stamp);

            foreach (var (p, s, v) in survivors.OrderBy(x => x.Path.Length))
            {
                DocumentPath.Set(_doc, p, v);
                _meta.Stamps[p] = s;
            }
            foreach (var p in pruned)
            {
                var list = _meta.Siblings[p];
                if (list.Count == 0)
                {
                    _meta.Siblings.Remove(p);
                    continue;
                }
                var (combined, winner) = Combine(p, list);
                DocumentPath.Set(_doc, p, combined?.DeepCloneValue());
                _meta.Stamps[p] = winner;
            }
            MaterializeUnitsBelow(path);
            Changed = true;
        }

        private void WritePriority(string path, FieldPolicy policy, FieldChange change, FieldStamp stamp)
        {
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            // Every write that could still matter is kept (a write above this field may later erase the newer ones
            // and leave an older, lower-ranked value showing); a write both older and ranked no higher than another
            // can never show again, so at most one entry per rank remains.
            var contributions = _meta.Siblings.TryGetValue(path, out var known) ? known
                : _meta.Stamps.TryGetValue(path, out var cur) ? [new StampedValue(DocumentPath.Get(_doc, path)?.DeepCloneValue(), cur)]
                : [];
            if (contributions.Any(c => c.Stamp == stamp))
            {
                return;
            }
            var before = contributions.Count > 0 ? Combine(path, contributions) : default;
            var incoming = new StampedValue(change.Value, stamp);
            contributions.Add(incoming);
            contributions.RemoveAll(x => contributions.Any(y => y.Stamp > x.Stamp && policy.RankOf(y.Value) >= policy.RankOf(x.Value)));
            contributions.Sort((a, b) => b.Stamp.CompareTo(a.Stamp));
            var (value, winner) = Combine(path, contributions);
            if (before.Value is not null || _meta.Stamps.ContainsKey(path))
            {
                if (change.Base != before.Stamp)
                {
                    Conflict(path, MergeStrategy.Priority, new(before.Value, before.Stamp), incoming, value, false);
                }
            }
            Overwrite(path, value, winner);
            _meta.Siblings[path] = contributions;
        }

        private void WriteConcurrent(string path, FieldPolicy policy, FieldChange change, FieldStamp stamp)
        {
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            if (!_meta.Stamps.TryGetValue(path, out var current) || change.Base == current)
            {
                // Sequential: the client saw the latest value (and any siblings), so its write resolves them.
                if (_meta.Stamps.TryGetValue(path, out var c) && c == stamp)
                {
                    return;
                }
                Overwrite(path, change.Value, stamp);
                return;
            }
            if (current == stamp || (_meta.Siblings.TryGetValue(path, out var known) && known.Any(s => s.Stamp == stamp)))
            {
                return;
            }
            var currentValue = new StampedValue(DocumentPath.Get(_doc, path)?.DeepCloneValue(), current);
            var incoming = new StampedValue(change.Value, stamp);

            // Concurrent values are kept with their stamps; the field shows their combination: for keep-both the newest
            // (the app chooses later), for custom the resolver's fold. Keeping them (not only the combination) lets a
            // later write above this field supersede exactly the older ones, whatever the arrival order.
            var siblings = _meta.Siblings.TryGetValue(path, out var existing) ? existing : [currentValue];
            siblings.Add(incoming);
            siblings.Sort((a, b) => b.Stamp.CompareTo(a.Stamp));
            var (value, winner) = Combine(path, siblings);
            Conflict(path, policy.Strategy, currentValue, incoming, value, policy.Strategy == MergeStrategy.KeepBoth);
            Overwrite(path, value, winner);
            _meta.Siblings[path] = siblings;
        }

        /// <summary>The value a keep-both or custom field shows for its concurrent values, and the stamp it carries.</summary>
        private (BsonValue? Value, FieldStamp Stamp) Combine(string path, List<StampedValue> siblings)
        {
            var policy = merger._policy.Resolve(path).Policy;
            var newest = siblings[0];
            foreach (var s in siblings)
            {
                if (s.Stamp > newest.Stamp) newest = s;
            }
            if (policy.Strategy == MergeStrategy.Priority)
            {
                var best = siblings[0];
                foreach (var s in siblings)
                {
                    int r = policy.RankOf(s.Value), rb = policy.RankOf(best.Value);
                    if (r > rb || (r == rb && s.Stamp > best.Stamp)) best = s;
                }
                return (best.Value, newest.Stamp);
            }
            if (policy.Strategy != MergeStrategy.Custom)
            {
                return (newest.Value, newest.Stamp);
            }
            var resolver = policy.Resolver ?? throw new MergeRejectedException($"field '{path}' uses a custom strategy but has no resolver");
            var ordered = siblings.OrderBy(s => s.Stamp).ToList();
            var acc = ordered[0];
            for (int i = 1; i < ordered.Count; i++)
            {
                acc = new StampedValue(resolver.Resolve(path, acc, ordered[i]), ordered[i].Stamp);
            }
            return (acc.Value, newest.Stamp);
        }

        private void WriteSet(string path, FieldChange change, FieldStamp stamp)
        {
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            if (change.Kind == FieldChangeKind.Unset)
            {
                WriteTree(path, null, stamp, change.Base, false, MergeStrategy.SetUnion);
                return;
            }
            bool remove = change.Kind == FieldChangeKind.RemoveFromSet;
            if (change.Kind is not (FieldChangeKind.Set or FieldChangeKind.AddToSet or FieldChangeKind.RemoveFromSet))
            {
                throw new MergeRejectedException($"field '{path}' is a set: it takes set, addToSet, removeFromSet or unset, not {change.Kind}");
            }
            var elements = Elements(path);
            if (!remove)
            {
                MarkPresence(path, stamp, true);
            }
            foreach (var item in AsItems(change.Value))
            {
                elements.TryGetValue(item, out var e);
                var added = e?.Added;
                var removed = e?.Removed;
                if (remove)
                {
                    removed = removed is { } r && r > stamp ? r : stamp;
                }
                else
                {
                    added = added is { } a && a > stamp ? a : stamp;
                }
                var next = new ElementState(e?.Value ?? item.DeepCloneValue(), added, removed);
                if (next != e)
                {
                    elements[item] = next;
                    Changed = true;
                }
            }
            Materialize(path);
        }

        private void WriteAppend(string path, FieldChange change, FieldStamp stamp)
        {
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            if (change.Kind == FieldChangeKind.Unset)
            {
                WriteTree(path, null, stamp, change.Base, false, MergeStrategy.AppendWithAttribution);
                return;
            }
            if (change.Kind is not (FieldChangeKind.Append or FieldChangeKind.Set) || change.Value is null)
            {
                throw new MergeRejectedException($"field '{path}' is append-only: it takes append (or set) with a value, or unset");
            }
            var entry = Attribute(change.Value, stamp);
            var entries = Entries(_meta.Appends, path);
            if (entries.Any(e => e.Stamp == stamp && BsonComparer.Instance.Equals(e.Value, entry)))
            {
                return;
            }
            entries.Add(new StampedValue(entry, stamp));
            MarkPresence(path, stamp, true);
            Changed = true;
            Materialize(path);
        }

        private void WriteCounter(string path, FieldChange change, FieldStamp stamp)
        {
            if (DominatedByAncestor(path, stamp))
            {
                return;
            }
            if (change.Kind == FieldChangeKind.Unset)
            {
                WriteTree(path, null, stamp, change.Base, false, MergeStrategy.Counter);
                return;
            }
            var entries = Entries(_meta.Appends, path);
            if (entries.Any(e => e.Stamp == stamp))
            {
                return;
            }
            BsonValue delta;
            switch (change.Kind)
            {
                case FieldChangeKind.Increment when change.Value is { IsNumeric: true }:
                    delta = change.Value;
                    break;
                case FieldChangeKind.Set when change.Value is { IsNumeric: true }:
                    // A plain set of a counter becomes the increment that takes the server's value there.
                    delta = Arithmetic.Subtract(change.Value, CounterValue(entries));
                    if (change.Base is { } b && _meta.Stamps.TryGetValue(path, out var cur) && b != cur)
                    {
                        Conflict(path, MergeStrategy.Counter, new(DocumentPath.Get(_doc, path), cur), new(change.Value, stamp), change.Value, false);
                    }
                    break;
                default:
                    throw new MergeRejectedException($"field '{path}' is a counter: it takes a numeric increment, a numeric set, or unset");
            }
            entries.Add(new StampedValue(delta, stamp));
            MarkPresence(path, stamp, true);
            Changed = true;
            Materialize(path);
        }

        private void MarkPresence(string unit, FieldStamp stamp, bool exists)
        {
            if (!_meta.Presence.TryGetValue(unit, out var p) || stamp > p.Stamp)
            {
                _meta.Presence[unit] = new UnitPresence(stamp, exists);
            }
        }

        private bool DominatedByAncestor(string path, FieldStamp stamp)
        {
            foreach (var ancestor in DocumentPath.Ancestors(path))
            {
                if (_meta.Stamps.TryGetValue(ancestor, out var s) && s >= stamp)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>A write at <paramref name="path"/> stamped <paramref name="stamp"/> resets every set/append/counter unit at or below it.</summary>
        private void ResetUnitsBelow(string path, FieldStamp stamp)
        {
            foreach (var unit in SpecialUnits().Where(u => u == path || DocumentPath.IsAncestor(path, u)).ToList())
            {
                var newValue = DocumentPath.Get(_doc, unit);
                MarkPresence(unit, stamp, newValue is not null and not BsonNull);
                switch (merger._policy.Resolve(unit).Policy.Strategy)
                {
                    case MergeStrategy.SetUnion:
                        var elements = Elements(unit);
                        foreach (var (key, e) in elements.ToList())
                        {
                            if (e.Added is not { } a || a <= stamp)
                            {
                                elements[key] = e with { Removed = e.Removed is { } r && r > stamp ? r : stamp };
                            }
                        }
                        foreach (var item in AsItems(newValue))
                        {
                            elements.TryGetValue(item, out var e);
                            elements[item] = new ElementState(e?.Value ?? item,
                                e?.Added is { } a && a > stamp ? a : stamp,
                                e?.Removed is { } r && r > stamp ? r : null);
                        }
                        break;
                    case MergeStrategy.AppendWithAttribution:
                        var entries = Entries(_meta.Appends, unit);
                        entries.RemoveAll(e => e.Stamp <= stamp);
                        foreach (var item in AsItems(newValue))
                        {
                            entries.Add(new StampedValue(item, stamp));
                        }
                        break;
                    case MergeStrategy.Counter:
                        var increments = Entries(_meta.Appends, unit);
                        increments.RemoveAll(e => e.Stamp <= stamp);
                        if (newValue is { IsNumeric: true })
                        {
                            increments.Add(new StampedValue(newValue, stamp));
                        }
                        break;
                }
            }
        }

        private void MaterializeUnitsBelow(string path)
        {
            foreach (var unit in SpecialUnits().Where(u => u == path || DocumentPath.IsAncestor(path, u)).ToList())
            {
                Materialize(unit);
            }
        }

        private IEnumerable<string> SpecialUnits()
        {
            foreach (var (p, policy) in merger._policy.Fields)
            {
                if (policy.Strategy is MergeStrategy.SetUnion or MergeStrategy.AppendWithAttribution or MergeStrategy.Counter)
                {
                    yield return p;
                }
            }
        }

        /// <summary>Writes a set/append/counter unit's value from its metadata into the document.</summary>
        private void Materialize(string unit)
        {
            var strategy = merger._policy.Resolve(unit).Policy.Strategy;
            bool exists = _meta.Presence.TryGetValue(unit, out var presence) && presence.Exists;
            BsonValue? value;
            switch (strategy)
            {
                case MergeStrategy.SetUnion:
                    var present = Elements(unit).Values.Where(e => e.IsPresent).Select(e => e.Value).ToList();
                    present.Sort(BsonComparer.Instance);
                    value = present.Count == 0 && !exists ? null : new BsonArray(present);
                    break;
                case MergeStrategy.AppendWithAttribution:
                    var entries = Entries(_meta.Appends, unit);
                    value = entries.Count == 0 && !exists ? null : new BsonArray(entries.OrderBy(e => e.Stamp).Select(e => e.Value!.DeepCloneValue()));
                    break;
                default:
                    var increments = Entries(_meta.Appends, unit);
                    value = increments.Count == 0 && !exists ? null : CounterValue(increments);
                    break;
            }
            if (value is null && DocumentPath.Get(_doc, unit) is null)
            {
                return;
            }
            DocumentPath.Set(_doc, unit, value);
        }

        private static BsonValue CounterValue(List<StampedValue> increments)
        {
            BsonValue sum = 0;
            foreach (var inc in increments.OrderBy(e => e.Stamp))
            {
                sum = Arithmetic.Add(sum, inc.Value!);
            }
            return sum;
        }

        private Dictionary<BsonValue, ElementState> Elements(string path)
        {
            if (!_meta.Sets.TryGetValue(path, out var elements))
            {
                elements = new Dictionary<BsonValue, ElementState>(BsonComparer.Instance);
                _meta.Sets[path] = elements;
            }
            return elements;
        }

        private static List<StampedValue> Entries(Dictionary<string, List<StampedValue>> lists, string path)
        {
            if (!lists.TryGetValue(path, out var list))
            {
                list = [];
                lists[path] = list;
            }
            return list;
        }

        private static IEnumerable<BsonValue> AsItems(BsonValue? value) => value switch
        {
            null or BsonNull => [],
            BsonArray array => array,
            _ => [value],
        };

        /// <summary>An appended entry carries who wrote it and when, so merged notes stay attributable.</summary>
        private static BsonDocument Attribute(BsonValue payload, FieldStamp stamp)
        {
            var entry = payload is BsonDocument d ? d.DeepClone() : new BsonDocument { { "text", payload.DeepCloneValue() } };
            if (!entry.Contains("by")) entry.Add("by", stamp.Node);
            if (!entry.Contains("at")) entry.Add("at", new BsonDateTime(stamp.Time.WallMilliseconds));
            return entry;
        }

        private static void RequireUnit(FieldChange change, string unit)
        {
            if (change.Path != unit)
            {
                throw new MergeRejectedException($"'{change.Path}' lies inside '{unit}', which merges as a whole: write '{unit}' itself");
            }
        }

        private static void RequireKinds(FieldChange change, FieldPolicy policy, params FieldChangeKind[] kinds)
        {
            if (!kinds.Contains(change.Kind))
            {
                throw new MergeRejectedException($"field '{change.Path}' ({policy.Strategy}) does not take {change.Kind}");
            }
        }

        private void Conflict(string path, MergeStrategy strategy, StampedValue current, StampedValue incoming, BsonValue? result, bool needsReview) =>
            Conflicts.Add(new ConflictRecord(merger._collection, _doc["_id"], path, strategy, current, incoming, result, needsReview));
    }
}
