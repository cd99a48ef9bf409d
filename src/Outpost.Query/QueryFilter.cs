using System.Text;
using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Query.Filters;

namespace Outpost.Query;

/// <summary>
/// A compiled MongoDB query filter. Compile once, run many: <see cref="Matches(ReadOnlySpan{byte})"/> evaluates on BSON
/// bytes, decoding only the top-level fields the filter reads (the whole document only for $expr/$jsonSchema).
/// Thread-safe once compiled.
/// </summary>
public sealed partial class QueryFilter
{
    private readonly MatchNode _root;
    private readonly byte[][]? _fieldNames;
    private readonly string[] _fieldStrings = [];

    private QueryFilter(MatchNode root, FilterAnalysis analysis, BsonDocument source)
    {
        _root = root;
        Analysis = analysis;
        Source = source;
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (root.CollectTopLevelFields(names))
        {
            _fieldStrings = [.. names];
            _fieldNames = _fieldStrings.Select(Encoding.UTF8.GetBytes).ToArray();
        }
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

    /// <summary>Matches BSON bytes, decoding only what the filter reads.</summary>
    public bool Matches(ReadOnlySpan<byte> bson, MatchDetails? details)
    {
        var document = _fieldNames is null ? BsonSerializer.Deserialize(bson) : BsonSpanReader.ReadFields(bson, _fieldNames, _fieldStrings);
        return _root.Matches(document, details);
    }
}
