using System.Collections.Immutable;
using Outpost.Bson;
using Outpost.Engine.Indexes;
using Outpost.Engine.Keys;
using Outpost.Engine.Query;
using Outpost.Storage;

namespace Outpost.Engine.Catalog;

/// <summary>A collection or view as recorded in the catalog tree. Immutable: catalog changes replace it.</summary>
internal sealed class CollectionState
{
    public CollectionState(string database, string name, Guid uuid, long tree, CreateCollectionOptions options, ImmutableArray<IndexState> indexes, long naturalTree = 0)
    {
        NaturalTree = naturalTree;
        Database = database;
        Name = name;
        Namespace = database + "." + name;
        Uuid = uuid;
        Tree = tree;
        Options = options;
        Indexes = indexes;
        if (options.Validator is { ElementCount: > 0 } validator)
            Validator = DocumentMatcher.Create(validator, Outpost.Query.QueryContext.Default);
    }

    public string Database { get; }

    public string Name { get; }

    public string Namespace { get; }

    public Guid Uuid { get; }

    /// <summary>Tree of the documents (key: encoded _id, value: BSON); 0 for a view.</summary>
    public long Tree { get; }

    public CreateCollectionOptions Options { get; }

    /// <summary>Capped collections: tree of insertion order (key: 8-byte sequence, value: encoded _id); 0 otherwise.</summary>
    public long NaturalTree { get; }

    public bool IsCapped => NaturalTree != 0;

    public ImmutableArray<IndexState> Indexes { get; }

    public DocumentMatcher? Validator { get; }

    public bool IsView => Options.ViewOn is not null;

    public string Type => IsView ? "view" : Options.TimeSeries is not null ? "timeseries" : "collection";

    public IndexState IdIndex => Indexes[0];

    public IndexState? FindIndex(string name)
    {
        foreach (var index in Indexes) if (index.Name == name) return index;
        return null;
    }

    public CollectionState With(CreateCollectionOptions? options = null, ImmutableArray<IndexState>? indexes = null, string? database = null, string? name = null) =>
        new(database ?? Database, name ?? Name, Uuid, Tree, options ?? Options, indexes ?? Indexes, NaturalTree);

    /// <summary>Index entry format 2 (decision 025): the entry key ends with the _id key, the value is empty.</summary>
    private const string IndexIdInKeyFeature = "indexIdInKey";

    /// <summary>
    /// The storage-format features this build reads. A catalog record lists in <c>requires</c> the features its data
    /// is stored with; a record naming any other was written by a newer Outpost, and opening it is refused instead of
    /// misreading it (binaries older than this list ignore <c>requires</c>: downgrading past it stays unchecked).
    /// </summary>
    private static readonly HashSet<string> KnownFormatFeatures = new(StringComparer.Ordinal) { IndexIdInKeyFeature };

    /// <summary>The catalog record.</summary>
    public BsonDocument ToCatalogDocument()
    {
        var indexes = new BsonArray();
        bool idInKey = false;
        foreach (var index in Indexes)
        {
            var entry = new BsonDocument { { "spec", index.Spec }, { "tree", index.Tree } };
            if (index.IdInKey) entry.Add("idInKey", true);
            idInKey |= index.IdInKey;
            indexes.Add(entry);
        }
        var record = new BsonDocument
        {
            { "db", Database }, { "name", Name }, { "uuid", BsonBinary.FromGuid(Uuid) }, { "tree", Tree },
            { "options", Options.ToDocument() }, { "indexes", indexes }, { "natural", NaturalTree },
        };
        if (idInKey) record.Add("requires", new BsonArray { IndexIdInKeyFeature });
        return record;
    }

    public static CollectionState FromCatalogDocument(BsonDocument doc, IKeyEncoder encoder, Func<long, bool> isMultikey)
    {
        if (doc.TryGetValue("requires", out var requires) && requires is BsonArray features)
        {
            foreach (var feature in features)
            {
                string name = feature is BsonString text ? text.Value : feature.ToString();
                if (KnownFormatFeatures.Contains(name)) continue;
                throw new StorageException(
                    $"Collection {doc["db"].AsString}.{doc["name"].AsString} is stored with format feature '{name}', which a newer Outpost wrote and this " +
                    "build cannot read. Open this database with that version or newer; nothing was changed.");
            }
        }
        var builder = ImmutableArray.CreateBuilder<IndexState>();
        foreach (var item in doc["indexes"].AsArray)
        {
            var d = item.AsDocument;
            var spec = d["spec"].AsDocument;
            var tree = d["tree"].ToInt64();
            var sparse = spec.TryGetValue("sparse", out var s) && s is BsonBoolean { Value: true };
            var idInKey = d.TryGetValue("idInKey", out var f) && f is BsonBoolean { Value: true };
            builder.Add(new IndexState(spec, tree, IndexKinds.Create(spec["key"].AsDocument, sparse, encoder, spec), isMultikey(tree), idInKey));
        }

        return new CollectionState(doc["db"].AsString, doc["name"].AsString, doc["uuid"].AsBinary.ToGuid(), doc["tree"].ToInt64(),
            CreateCollectionOptions.FromDocument(doc["options"].AsDocument), builder.ToImmutable(),
            doc.TryGetValue("natural", out var natural) ? natural.ToInt64() : 0);
    }
}
