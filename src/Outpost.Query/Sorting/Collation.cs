using Outpost.Bson;

namespace Outpost.Query.Sorting;

/// <summary>A MongoDB collation (locale, strength, numericOrdering, …). Stub: completed by the filters/sort work.</summary>
public sealed partial class Collation
{
    public string Locale { get; init; } = "simple";

    public static Collation FromDocument(BsonDocument spec) => throw new NotImplementedException();
}
