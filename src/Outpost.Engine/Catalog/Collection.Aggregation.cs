using Outpost.Bson;
using Outpost.Storage;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>aggregate: runs a pipeline; a leading <c>$changeStream</c> stage returns a <see cref="ChangeStreamCursor"/>.</summary>
    public async Task<Cursor> AggregateAsync(BsonArray pipeline, AggregateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        if (pipeline.Count > 0 && pipeline[0] is BsonDocument first && first.ElementCount == 1 && first.GetElement(0).Name == "$changeStream")
        {
            var rest = new BsonArray();
            for (var i = 1; i < pipeline.Count; i++) rest.Add(pipeline[i]);
            var spec = first.GetElement(0).Value.AsDocument;
            var options2 = ChangeStreams.ChangeStreamSpec.Parse(spec);
            var allDatabases = spec.TryGetValue("allChangesForCluster", out var all) && all is BsonBoolean { Value: true };
            string? db = allDatabases ? null : Database.Name;
            string? coll = Name == "$cmd.aggregate" ? null : Name;
            return await Engine.OpenChangeStreamAsync(db, coll, rest, options2, cancellationToken).ConfigureAwait(false);
        }

        return await Engine.RunPipelineAsync(this, pipeline, options ?? AggregateOptions.Default, context ?? OperationContext.None, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>explain of an aggregate: <c>{stages: [{$cursor: {queryPlanner…}}, …]}</c>, or the find shape when the pipeline reduces to a query.</summary>
    public async Task<BsonDocument> ExplainAggregateAsync(BsonArray pipeline, AggregateOptions? options = null, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        var filter = new BsonDocument();
        if (pipeline.Count > 0 && pipeline[0] is BsonDocument first && first.TryGetValue("$match", out var match)) filter = match.AsDocument;
        var find = await ExplainFindAsync(new FindOptions { Filter = filter, Hint = options?.Hint }, verbosity, context, cancellationToken).ConfigureAwait(false);
        find.Remove("ok");
        var stages = new BsonArray { new BsonDocument("$cursor", find) };
        for (var i = filter.ElementCount > 0 ? 1 : 0; i < pipeline.Count; i++) stages.Add(pipeline[i]);
        return new BsonDocument { { "stages", stages }, { "ok", 1.0 } };
    }

    /// <summary>Watches this collection.</summary>
    public Task<ChangeStreamCursor> WatchAsync(BsonArray? pipeline = null, ChangeStreamOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default) =>
        Engine.OpenChangeStreamAsync(Database.Name, Name, pipeline, options, cancellationToken);

    /// <summary>collStats figures: <c>{ns, count, size, avgObjSize, storageSize, nindexes, totalIndexSize, indexSizes, capped, max?, maxSize?}</c>.</summary>
    public async Task<BsonDocument> StatsAsync(int scale = 1, CancellationToken cancellationToken = default)
    {
        if (scale <= 0) scale = 1;
        var state = State ?? throw new MongoException(ErrorCodes.NamespaceNotFound, $"Collection [{Namespace}] not found.");
        long count = 0, size = 0;
        var indexSizes = new BsonDocument();
        long totalIndexSize = 0;
        await using (var tx = await Engine.Storage.BeginAsync(StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false))
        {
            if (!state.IsView)
            {
                await foreach (var entry in tx.ScanAsync(state.Tree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
                {
                    count++;
                    size += entry.Value.Length;
                }

                foreach (var index in state.Indexes)
                {
                    long bytes = 0;
                    if (index.IsIdIndex)
                    {
                        bytes = count * 16;
                    }
                    else
                    {
                        await foreach (var entry in tx.ScanAsync(index.Tree, KeyRange.All, false, cancellationToken).ConfigureAwait(false))
                            bytes += entry.Key.Length + entry.Value.Length;
                    }

                    indexSizes.Add(index.Name, bytes / scale);
                    totalIndexSize += bytes;
                }
            }
        }

        var stats = new BsonDocument
        {
            { "ns", Namespace }, { "count", count }, { "size", size / scale }, { "avgObjSize", count == 0 ? 0 : size / count },
            { "storageSize", size / scale }, { "totalSize", (size + totalIndexSize) / scale }, { "nindexes", state.Indexes.Length },
            { "totalIndexSize", totalIndexSize / scale }, { "indexSizes", indexSizes }, { "capped", state.Options.Capped }, { "scaleFactor", scale },
        };
        if (state.Options.Capped)
        {
            if (state.Options.Max is { } max) stats.Add("max", max);
            if (state.Options.Size is { } maxSize) stats.Add("maxSize", maxSize / scale);
        }

        stats.Add("ok", 1.0);
        return stats;
    }
}
