using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Query.Filters;

namespace Outpost.Query;

/// <summary>
/// A compiled MongoDB query filter. Compile once, run many: <see cref="Matches(ReadOnlySpan{byte})"/> evaluates on BSON
/// bytes in place through <see cref="BsonDocumentView"/> — nested paths are reached without decoding sub-documents and
/// common comparisons read the values where they lie (the whole document is decoded only for $expr/$jsonSchema).
/// Thread-safe once compiled.
/// </summary>
public sealed partial class QueryFilter
{
    private readonly MatchNode _root;
    private readonly bool _needsWholeDocument;

    private QueryFilter(MatchNode root, FilterAnalysis analysis, BsonDocument source)
    {
        _root = root;
        Analysis = analysis;
        Source = source;
        _needsWholeDocument = !root.CollectTopLevelFields(new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>The filter document as given.</summary>
    public BsonDocument Source { get; }

    /// <summary>Read-only summary of the top-level predicates for index selection.</summary>
    public FilterAnalysis Analysis { get; }

    /// <summary>Whether the filter matches every document (empty filter).</summary>
    public bool IsEmpty => Source.ElementCount == 0;

    /// <summary>Compiles a filter document; throws <see cref="MongoException"/> with MongoDB's code for a malformed filter.</summary>
    public static QueryFilter Compile(BsonDocument filter, QueryContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var compiler = new FilterCompiler(context ?? QueryContext.Default);
        var root = compiler.CompileDocument(filter, topLevel: true);
        return new QueryFilter(root, compiler.BuildAnalysis(), filter);
    }

    public bool Matches(BsonDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _root.Matches(document, null);
    }

    /// <summary>Matches and reports the array index positional operators need.</summary>
    public bool Matches(BsonDocument document, MatchDetails? details)
    {
        ArgumentNullException.ThrowIfNull(document);
        return _root.Matches(document, details);
    }

    public bool Matches(ReadOnlySpan<byte> bson) => Matches(bson, null);

    /// <summary>Matches BSON bytes, reading in place only what the filter needs.</summary>
    /// <exception cref="BsonFormatException">When the bytes the filter reads are malformed.</exception>
    public bool Matches(ReadOnlySpan<byte> bson, MatchDetails? details)
    {
        // The strict decoder rejects a length prefix that disagrees with the input; the view would only ignore extra bytes.
        if (_needsWholeDocument || bson.Length < 5 || System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bson) != bson.Length)
        {
            return _root.Matches(BsonSerializer.Deserialize(bson), details);
        }

        return _root.Matches(new BsonDocumentView(bson), details);
    }
}
