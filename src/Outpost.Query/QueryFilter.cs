using Outpost.Bson;

namespace Outpost.Query;

/// <summary>
/// A compiled MongoDB query filter. Compile once, run many: <see cref="Matches(ReadOnlySpan{byte})"/> evaluates on BSON
/// bytes without materializing the document. Stub: implemented by the filters work.
/// </summary>
public sealed partial class QueryFilter
{
    /// <summary>Compiles a filter document; throws <see cref="MongoException"/> with MongoDB's code for a malformed filter.</summary>
    public static QueryFilter Compile(BsonDocument filter, QueryContext? context = null) => throw new NotImplementedException();

    public bool Matches(BsonDocument document) => throw new NotImplementedException();

    public bool Matches(ReadOnlySpan<byte> bson) => throw new NotImplementedException();
}
