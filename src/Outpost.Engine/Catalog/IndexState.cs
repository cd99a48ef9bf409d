using Outpost.Bson;
using Outpost.Engine.Indexes;
using Outpost.Engine.Query;

namespace Outpost.Engine.Catalog;

/// <summary>An index as the engine runs it: its listIndexes spec, tree, kind and filters. Immutable but for the multikey flag.</summary>
internal sealed class IndexState
{
    private int _multikey;

    public IndexState(BsonDocument spec, long tree, IIndexKind kind, bool multikey)
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
    }

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
