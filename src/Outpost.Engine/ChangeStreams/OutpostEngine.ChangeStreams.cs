using Outpost.Bson;
using Outpost.Engine.ChangeStreams;
using Outpost.Engine.Query;

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

    /// <summary>The stages allowed after $changeStream, each event → event or null (filtered out).</summary>
    private static List<Func<BsonDocument, BsonDocument?>> CompileStages(BsonArray? pipeline)
    {
        var stages = new List<Func<BsonDocument, BsonDocument?>>();
        if (pipeline is null) return stages;
        foreach (var item in pipeline)
        {
            var stage = item.AsDocument;
            var (name, arg) = (stage.GetElement(0).Name, stage.GetElement(0).Value);
            switch (name)
            {
                case "$match":
                    var matcher = DocumentMatcher.Create(arg.AsDocument, Outpost.Query.QueryContext.Default);
                    stages.Add(e => matcher.Matches(e) ? e : null);
                    break;
                case "$project":
                    var projector = new DocumentProjector(arg.AsDocument);
                    stages.Add(projector.Apply);
                    break;
                case "$unset":
                    var fields = arg is BsonArray a ? a.Select(v => v.AsString).ToList() : [arg.AsString];
                    stages.Add(e =>
                    {
                        foreach (var f in fields) e.Remove(f);
                        return e;
                    });
                    break;
                default:
                    throw new MongoException(ErrorCodes.IllegalOperation, $"Stage {name} is not allowed in a change stream pipeline (yet)");
            }
        }

        return stages;
    }
}
