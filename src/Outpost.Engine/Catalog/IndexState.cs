using Outpost.Bson;
using Outpost.Engine.Indexes;
using Outpost.Engine.Query;

namespace Outpost.Engine.Catalog;

/// <summary>An index as the engine runs it: its listIndexes spec, tree, kind and filters. Immutable but for the multikey flag.</summary>
internal sealed class IndexState
{
    private int _multikey;
    private readonly bool[]? _descending;

    public IndexState(BsonDocument spec, long tree, IIndexKind kind, bool multikey, bool idInKey = false)
    {
        Spec = spec;
        Tree = tree;
        Kind = kind;
        Name = spec["name"].AsString;
        KeyPattern = spec["key"].AsDocument;
        Unique = spec.TryGetValue("unique", out var u) && u is BsonBoolean { Value: true };
        Sparse = spec.TryGetValue("sparse", out var s) && s is BsonBoolean { Value: true };
        Hidden = spec.TryGetValue("hidden", out var h) && h is BsonBoolean { Value: true };
        PartialFilter = spec.TryGetValue("partialFilterExpression", out var p) ? p.AsDocument : null;
        PartialMatcher = PartialFilter is null ? null : DocumentMatcher.Create(PartialFilter, Outpost.Query.QueryContext.Default);
        IsIdIndex = Name == "_id_";
        _multikey = multikey ? 1 : 0;
        if (idInKey)
        {
            if (!CanKeepIdInKey(kind, Unique)) throw new InvalidOperationException($"index {Name}: only non-unique ascending/descending indexes can keep the _id in the entry key alone");
            var fields = new List<bool>();
            foreach (var (_, descending) in ((BTreeIndexKind)kind).Fields) fields.Add(descending);
            _descending = [.. fields];
        }
    }

    /// <summary>
    /// Entry format 2 (decision 025): the entry's value is empty and the document's _id key is read from the end of the
    /// entry key (which is <c>index key + encoded _id</c>), instead of being stored a second time as the value. Set for
    /// indexes created since; an index from an older file keeps format 1 (the _id as the value) until it is rebuilt.
    /// Recorded in the catalog as <c>idInKey: true</c>.
    /// </summary>
    public bool IdInKey => _descending is not null;

    /// <summary>Whether an index of this kind may use entry format 2: non-unique B-tree keys (self-delimiting fields).</summary>
    public static bool CanKeepIdInKey(IIndexKind kind, bool unique) => !unique && kind is BTreeIndexKind;

    /// <summary>The document's primary key for an index entry of this index (format 1: the value; format 2: the key's suffix).</summary>
    public byte[] IdKeyOf(byte[] entryKey, byte[] value) =>
        value.Length > 0 || _descending is null ? value : Outpost.Bson.Keys.BsonKeyEncoder.GetIdSuffix(entryKey, _descending).ToArray();

    /// <summary>The listIndexes document <c>{v: 2, key, name, …}</c>.</summary>
    public BsonDocument Spec { get; }

    public string Name { get; }

    public BsonDocument KeyPattern { get; }

    public long Tree { get; }

    public IIndexKind Kind { get; }

    /// <summary>Unique indexes key entries by the index key alone, so storage Insert reports duplicates.</summary>
    public bool Unique { get; }

    public bool Sparse { get; }

    public bool Hidden { get; }

    public bool IsIdIndex { get; }

    public BsonDocument? PartialFilter { get; }

    public DocumentMatcher? PartialMatcher { get; }

    public bool Multikey => Volatile.Read(ref _multikey) == 1;

    public void MarkMultikey() => Volatile.Write(ref _multikey, 1);

    /// <summary>Whether the document belongs in this index at all (partial filter).</summary>
    public bool Covers(BsonDocument document) => PartialMatcher is null || PartialMatcher.Matches(document);
}
