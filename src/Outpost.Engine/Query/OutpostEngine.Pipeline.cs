using Outpost.Bson;
using Outpost.Engine.Query;

namespace Outpost.Engine;

public sealed partial class OutpostEngine
{
    /// <summary>
    /// Runs an aggregation pipeline. Until Outpost.Query's AggregationPipeline lands, a leading $match/$sort/$skip/
    /// $limit/$project prefix runs as a find (with the planner) and $count is supported; other stages fail with 168.
    /// </summary>
    internal async Task<Cursor> RunPipelineAsync(Collection collection, BsonArray pipeline, AggregateOptions options, OperationContext context, CancellationToken cancellationToken)
    {
        BsonDocument filter = [];
        BsonDocument? sort = null, projection = null;
        long skip = 0, limit = 0;
        string? countField = null;
        foreach (var item in pipeline)
        {
            var stage = item.AsDocument;
            if (stage.ElementCount != 1) throw new MongoException(40323, "Location40323", "A pipeline stage specification object must contain exactly one field.");
            var (name, arg) = (stage.GetElement(0).Name, stage.GetElement(0).Value);
            if (countField is not null) throw new MongoException(ErrorCodes.InvalidPipelineOperator, $"Stage {name} after $count is not supported yet");
            switch (name)
            {
                case "$match" when sort is null && skip == 0 && limit == 0 && projection is null:
                    filter = filter.ElementCount == 0 ? arg.AsDocument : new BsonDocument("$and", new BsonArray { filter, arg });
                    break;
                case "$sort" when skip == 0 && limit == 0 && projection is null: sort = arg.AsDocument; break;
                case "$skip" when limit == 0 && projection is null: skip += arg.ToInt64(); break;
                case "$limit" when projection is null: limit = limit == 0 ? arg.ToInt64() : Math.Min(limit, arg.ToInt64()); break;
                case "$project" when projection is null: projection = arg.AsDocument; break;
                case "$count": countField = arg.AsString; break;
                default:
                    throw new MongoException(ErrorCodes.InvalidPipelineOperator, $"Unrecognized pipeline stage name: '{name}' (the aggregation engine has not landed yet)");
            }
        }

        var find = new FindOptions { Filter = filter, Sort = sort, Skip = skip, Limit = limit, Projection = projection, Hint = options.Hint, Collation = options.Collation, Let = options.Let };
        var cursor = await collection.FindAsync(find, context, cancellationToken).ConfigureAwait(false);
        if (countField is null) return cursor;
        long n = 0;
        await foreach (var _ in cursor.WithCancellation(cancellationToken).ConfigureAwait(false)) n++;
        var result = n == 0 ? [] : new List<BsonDocument> { new(countField, n) };
        return new QueryCursor(collection.Namespace, ToAsync(result));
    }

    private static async IAsyncEnumerable<BsonDocument> ToAsync(List<BsonDocument> documents)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var doc in documents) yield return doc;
    }
}
