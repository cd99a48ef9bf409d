using Outpost.Bson;
using Outpost.Engine.ChangeStreams;

namespace Outpost.Engine;

public sealed partial class OutpostEngine
{
    /// <summary>Opens a change stream on a collection, a database (collection null) or everything (both null).</summary>
    internal async Task<ChangeStreamCursor> OpenChangeStreamAsync(string? database, string? collection, BsonArray? pipeline, ChangeStreamOptions? options, CancellationToken cancellationToken)
    {
        options ??= ChangeStreamOptions.Default;
        if (options.FullDocument is not ("default" or "updateLookup" or "whenAvailable" or "required"))
            throw new MongoException(ErrorCodes.BadValue, $"'{options.FullDocument}' is not a valid value for fullDocument");
        if (options.FullDocumentBeforeChange is not ("off" or "whenAvailable" or "required"))
            throw new MongoException(ErrorCodes.BadValue, $"'{options.FullDocumentBeforeChange}' is not a valid value for fullDocumentBeforeChange");
        var stages = CompileStages(pipeline);
        long after;
        if (options.ResumeAfter is not null || options.StartAfter is not null)
        {
            var (position, invalidate) = ResumeToken.Parse(options.StartAfter ?? options.ResumeAfter!);
            if (invalidate && options.StartAfter is null)
                throw new MongoException(ErrorCodes.InvalidResumeToken, "Cannot resume a change stream after an invalidate event; use startAfter instead");
            after = position;
            await CheckHistoryAsync(after, cancellationToken).ConfigureAwait(false);
        }
        else if (options.StartAtOperationTime is { } time)
        {
            after = Math.Max(0, (long)time.Increment - 1);
            await CheckHistoryAsync(after, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            after = await Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        }

        return new LogChangeStreamCursor(this, database, collection, options, stages, after);
    }

    private async Task CheckHistoryAsync(long after, CancellationToken cancellationToken)
    {
        var oldest = await Storage.GetOldestLogPositionAsync(cancellationToken).ConfigureAwait(false);
        var last = await Storage.GetLastLogPositionAsync(cancellationToken).ConfigureAwait(false);
        if ((oldest is { } o && after < o - 1) || (oldest is null && after < last))
            throw new MongoException(ErrorCodes.ChangeStreamHistoryLost, "Resume of change stream was not possible, as the resume point may no longer be in the oplog.");
    }

    /// <summary>The stages after $changeStream, compiled once and run per event: event → event or null (filtered out).</summary>
    private static List<Func<BsonDocument, BsonDocument?>> CompileStages(BsonArray? pipeline)
    {
        var stages = new List<Func<BsonDocument, BsonDocument?>>();
        if (pipeline is null || pipeline.Count == 0) return stages;
        foreach (var item in pipeline)
        {
            var name = item.AsDocument.GetElement(0).Name;
            if (name is not ("$match" or "$project" or "$addFields" or "$set" or "$unset" or "$replaceRoot" or "$replaceWith" or "$redact"))
                throw new MongoException(ErrorCodes.IllegalOperation, $"{name} is not permitted in a $changeStream pipeline");
        }

        var compiled = Outpost.Query.Pipeline.AggregationPipeline.Compile(pipeline, Outpost.Query.QueryContext.Default);
        stages.Add(change =>
        {
            // The stages allowed here are all streaming, so running them over one event completes synchronously.
            var enumerator = compiled.ExecuteAsync([change]).GetAsyncEnumerator();
            try
            {
                var moved = enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult();
                return moved ? enumerator.Current : null;
            }
            finally
            {
                enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });
        return stages;
    }
}
