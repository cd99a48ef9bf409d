using Outpost.Bson;

namespace Outpost.Query.Updates;

/// <summary>
/// A compiled update: operator document, replacement document, or pipeline. Stub: implemented by the updates work.
/// </summary>
public sealed partial class UpdatePlan
{
    public static UpdatePlan Compile(BsonValue update, QueryContext? context = null, BsonArray? arrayFilters = null) =>
        throw new NotImplementedException();
}
