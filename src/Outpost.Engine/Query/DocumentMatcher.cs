using Outpost.Bson;
using Outpost.Query;

namespace Outpost.Engine.Query;

/// <summary>
/// A compiled filter as the executor uses it (Outpost.Query's QueryFilter); an empty filter matches everything
/// without work. Byte matching lets the executor skip materializing documents that do not match.
/// </summary>
internal sealed class DocumentMatcher
{
    private readonly QueryFilter? _compiled;

    private DocumentMatcher(BsonDocument filter, QueryFilter? compiled)
    {
        Filter = filter;
        _compiled = compiled;
    }

    public bool MatchesAll => _compiled is null;

    /// <summary>The filter's analysis ($text / $near parts, path predicates); null for an empty filter.</summary>
    public Outpost.Query.Filters.FilterAnalysis? Analysis => _compiled?.Analysis;

    public BsonDocument Filter { get; }

    public static DocumentMatcher Create(BsonDocument filter, QueryContext context) =>
        new(filter, filter.ElementCount == 0 ? null : QueryFilter.Compile(filter, context));

    public bool Matches(BsonDocument document) => _compiled is null || _compiled.Matches(document);

    public bool Matches(ReadOnlySpan<byte> bson) => _compiled is null || _compiled.Matches(bson);
}
