using Outpost.Bson;
using Outpost.Query;

namespace Outpost.Engine.Query;

/// <summary>
/// A compiled filter as the executor uses it: QueryFilter from Outpost.Query when implemented, otherwise the
/// fallback interpreter. Null filter (empty document) matches everything without work.
/// </summary>
internal sealed class DocumentMatcher
{
    private readonly QueryFilter? _compiled;
    private readonly BsonDocument _filter;

    private DocumentMatcher(BsonDocument filter, QueryFilter? compiled)
    {
        _filter = filter;
        _compiled = compiled;
    }

    public bool MatchesAll => _filter.ElementCount == 0;

    public BsonDocument Filter => _filter;

    public static DocumentMatcher Create(BsonDocument filter, QueryContext context)
    {
        QueryFilter? compiled = null;
        if (filter.ElementCount > 0)
        {
            try
            {
                compiled = QueryFilter.Compile(filter, context);
            }
            catch (NotImplementedException)
            {
                compiled = null;
            }
        }

        return new DocumentMatcher(filter, compiled);
    }

    public bool Matches(BsonDocument document)
    {
        if (MatchesAll) return true;
        return _compiled is not null ? _compiled.Matches(document) : FallbackMatcher.Matches(_filter, document);
    }
}
