using Outpost.Bson;
using Outpost.Engine;
using Outpost.Wire.Auth;

namespace Outpost.Wire.Commands.Queries;

/// <summary>find, getMore, killCursors, count, distinct, aggregate (cursor, explain, $out/$merge, $changeStream), explain.</summary>
public sealed class QueryCommands(EngineServices services) : ICommandFamily
{
    private static readonly TimeSpan DefaultAwaitTime = TimeSpan.FromSeconds(1);

    /// <inheritdoc />
    public void Register(CommandRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Add(new CommandSpec("find", FindAsync, Privilege.Read));
        registry.Add(new CommandSpec("getMore", GetMoreAsync, Privilege.Read));
        registry.Add(new CommandSpec("killCursors", KillCursorsAsync, Privilege.Read));
        registry.Add(new CommandSpec("count", CountAsync, Privilege.Read));
        registry.Add(new CommandSpec("distinct", DistinctAsync, Privilege.Read));
        registry.Add(new CommandSpec("aggregate", AggregateAsync, Privilege.Read));
        registry.Add(new CommandSpec("explain", ExplainAsync, Privilege.Read));
    }

    /// <summary>Parses the find command's options.</summary>
    public static FindOptions ParseFind(BsonDocument command, out int? batchSize, out bool singleBatch)
    {
        ArgumentNullException.ThrowIfNull(command);
        long limit = CommandArgs.GetInt64(command, "limit");
        singleBatch = CommandArgs.GetBool(command, "singleBatch");
        if (limit < 0)
        {
            limit = -limit;
            singleBatch = true;
        }
        long skip = CommandArgs.GetInt64(command, "skip");
        if (skip < 0) throw new MongoException(51024, "Location51024", $"Skip value must be non-negative, but received: {skip}");
        batchSize = CursorReplies.BatchSize(command);
        if (singleBatch && batchSize is null && limit > 0) batchSize = (int)Math.Min(limit, int.MaxValue);
        command.TryGetValue("hint", out var hint);
        return new FindOptions
        {
            Filter = CommandArgs.GetDocument(command, "filter") ?? [],
            Sort = CommandArgs.GetDocument(command, "sort"),
            Projection = CommandArgs.GetDocument(command, "projection"),
            Skip = skip,
            Limit = limit,
            BatchSize = batchSize,
            Hint = hint is null || hint.IsNull ? null : hint,
            Collation = CommandArgs.GetDocument(command, "collation"),
            Let = CommandArgs.GetDocument(command, "let"),
            Min = CommandArgs.GetDocument(command, "min"),
            Max = CommandArgs.GetDocument(command, "max"),
            ReturnKey = CommandArgs.GetBool(command, "returnKey"),
            ShowRecordId = CommandArgs.GetBool(command, "showRecordId"),
            Tailable = CommandArgs.GetBool(command, "tailable"),
            AwaitData = CommandArgs.GetBool(command, "awaitData"),
            AllowDiskUse = CommandArgs.GetBool(command, "allowDiskUse"),
        };
    }

    private async ValueTask<BsonDocument> FindAsync(CommandContext context)
    {
        var options = ParseFind(context.Command, out int? batchSize, out bool singleBatch);
        var collection = services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);
        if (batchSize != 0 && !options.Tailable)
        {
            // find-by-_id (the driver's findOne): at most one document, so the first batch completes the cursor and
            // nothing is registered; the stored bytes go into the reply as they are.
            var raw = await collection.TryFindRawByIdAsync(options, context.Operation, context.CancellationToken).ConfigureAwait(false);
            if (raw.Eligible)
            {
                context.RawReply = new RawCursorReply(raw.Document, context.Namespace);
                return [];
            }
        }
        var cursor = await collection.FindAsync(options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        return await CursorReplies.FirstBatchAsync(context, services.Cursors, cursor, context.Namespace, batchSize, singleBatch,
            options.Tailable, options.Tailable && options.AwaitData, CommandArgs.GetBool(context.Command, "noCursorTimeout")).ConfigureAwait(false);
    }

    private async ValueTask<BsonDocument> GetMoreAsync(CommandContext context)
    {
        var command = context.Command;
        if (!context.Argument.IsNumeric) throw new MongoException(ErrorCodes.TypeMismatch, "getMore cursor id must be a long");
        long id = context.Argument.ToInt64();
        string collection = CommandArgs.GetString(command, "collection") ?? throw new MongoException(ErrorCodes.FailedToParse, "getMore requires 'collection'");
        if (!services.Cursors.TryGet(id, out var entry)) throw new MongoException(ErrorCodes.CursorNotFound, $"cursor id {id} not found");
        string ns = $"{context.Database}.{collection}";
        if (entry.Namespace != ns && !(entry.Namespace.StartsWith(context.Database + ".$cmd", StringComparison.Ordinal)))
        {
            throw new MongoException(ErrorCodes.Unauthorized, $"Requested getMore on namespace '{ns}', but cursor belongs to a different namespace {entry.Namespace}");
        }
        CheckOwner(context, entry);
        int batchSize = CursorReplies.BatchSize(command) ?? 0;
        TimeSpan? awaitTime = null;
        if (entry.AwaitData)
        {
            long maxTime = CommandArgs.GetInt64(command, "maxTimeMS");
            awaitTime = maxTime > 0 ? TimeSpan.FromMilliseconds(maxTime) : DefaultAwaitTime;
        }
        await entry.Gate.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            IReadOnlyList<BsonDocument> docs;
            try
            {
                docs = await entry.Cursor.NextBatchAsync(batchSize, awaitTime, CursorReplies.MaxBatchBytes, context.CancellationToken).ConfigureAwait(false);
            }
            catch (MongoException)
            {
                // A cursor whose getMore failed is dead, as in MongoDB.
                await services.Cursors.KillAsync(id).ConfigureAwait(false);
                throw;
            }
            entry.LastUsed = context.Host.Time.GetTimestamp();
            long replyId = id;
            if (entry.Cursor.IsExhausted)
            {
                replyId = 0;
                await services.Cursors.KillAsync(id).ConfigureAwait(false);
            }
            return CursorReplies.Reply("nextBatch", docs, replyId, entry.Namespace, entry.Cursor);
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    private async ValueTask<BsonDocument> KillCursorsAsync(CommandContext context)
    {
        var ids = CommandArgs.GetArray(context.Command, "cursors") ?? throw new MongoException(ErrorCodes.FailedToParse, "killCursors requires 'cursors'");
        var killed = new BsonArray();
        var notFound = new BsonArray();
        foreach (var v in ids)
        {
            long id = v.ToInt64();
            if (services.Cursors.TryGet(id, out var entry)) CheckOwner(context, entry);
            if (await services.Cursors.KillAsync(id).ConfigureAwait(false)) killed.Add(id);
            else notFound.Add(id);
        }
        return new BsonDocument
        {
            { "cursorsKilled", killed }, { "cursorsNotFound", notFound }, { "cursorsAlive", new BsonArray() }, { "cursorsUnknown", new BsonArray() },
        };
    }

    /// <summary>With authentication on, only the users who opened a cursor may continue or kill it (MongoDB's rule).</summary>
    private static void CheckOwner(CommandContext context, Cursors.CursorEntry entry)
    {
        if (!context.Host.Options.AuthenticationRequired || string.Equals(entry.Owner, context.State.UsersKey(), StringComparison.Ordinal)) return;
        throw new MongoException(ErrorCodes.Unauthorized, $"cursor id {entry.Id} was not created by the authenticated user");
    }

    private static CountOptions ParseCount(BsonDocument command)
    {
        command.TryGetValue("hint", out var hint);
        long limit = CommandArgs.GetInt64(command, "limit");
        return new CountOptions
        {
            Filter = CommandArgs.GetDocument(command, "query") ?? [],
            Skip = CommandArgs.GetInt64(command, "skip"),
            Limit = Math.Abs(limit),
            Hint = hint is null || hint.IsNull ? null : hint,
            Collation = CommandArgs.GetDocument(command, "collation"),
        };
    }

    private async ValueTask<BsonDocument> CountAsync(CommandContext context)
    {
        var collection = services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);
        long n = await collection.CountAsync(ParseCount(context.Command), context.Operation, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument { { "n", n <= int.MaxValue ? (BsonValue)(int)n : n }, { "ok", 1.0 } };
    }

    private async ValueTask<BsonDocument> DistinctAsync(CommandContext context)
    {
        var command = context.Command;
        string key = CommandArgs.GetString(command, "key") ?? throw new MongoException(ErrorCodes.FailedToParse, "distinct requires 'key'");
        var collection = services.Engine.GetDatabase(context.Database).GetCollection(context.CollectionName);
        var values = await collection.DistinctAsync(key, CommandArgs.GetDocument(command, "query"), CommandArgs.GetDocument(command, "collation"),
            context.Operation, context.CancellationToken).ConfigureAwait(false);
        return new BsonDocument { { "values", values }, { "ok", 1.0 } };
    }

    private static AggregateOptions ParseAggregate(BsonDocument command)
    {
        command.TryGetValue("hint", out var hint);
        return new AggregateOptions
        {
            AllowDiskUse = CommandArgs.GetBool(command, "allowDiskUse"),
            Collation = CommandArgs.GetDocument(command, "collation"),
            Let = CommandArgs.GetDocument(command, "let"),
            Hint = hint is null || hint.IsNull ? null : hint,
            BypassDocumentValidation = CommandArgs.GetBool(command, "bypassDocumentValidation"),
        };
    }

    private async ValueTask<BsonDocument> AggregateAsync(CommandContext context)
    {
        var command = context.Command;
        var pipeline = CommandArgs.GetArray(command, "pipeline") ?? throw new MongoException(ErrorCodes.FailedToParse, "'pipeline' option must be specified as an array");
        var options = ParseAggregate(command);
        var database = services.Engine.GetDatabase(context.Database);
        bool dbLevel = context.Argument.IsNumeric;
        if (CommandArgs.GetBool(command, "explain"))
        {
            if (dbLevel) throw new MongoException(ErrorCodes.InvalidNamespace, "explain of a database-level aggregate is not supported");
            var explained = await database.GetCollection(context.CollectionName).ExplainAggregateAsync(pipeline, options, ExplainVerbosity.QueryPlanner, context.Operation, context.CancellationToken).ConfigureAwait(false);
            explained.Set("ok", 1.0);
            return explained;
        }
        var cursorOptions = CommandArgs.GetDocument(command, "cursor")
            ?? throw new MongoException(ErrorCodes.FailedToParse, "The 'cursor' option is required, except for aggregate with the explain argument");
        int? batchSize = CursorReplies.BatchSize(cursorOptions);
        bool writes = pipeline.Count > 0 && pipeline[^1] is BsonDocument last && (last.Contains("$out") || last.Contains("$merge"));
        bool changeStream = pipeline.Count > 0 && pipeline[0] is BsonDocument first && first.Contains("$changeStream");
        if (writes && CommandArgs.GetDocument(command, "readConcern") is BsonDocument rc && CommandArgs.GetString(rc, "level") == "linearizable")
        {
            throw new MongoException(ErrorCodes.InvalidOptions, "$out and $merge cannot be used with a 'linearizable' read concern level");
        }
        string ns = dbLevel ? $"{context.Database}.$cmd.aggregate" : context.Namespace;
        Cursor cursor;
        if (changeStream && dbLevel && context.Database == "admin" && pipeline[0].AsDocument["$changeStream"] is BsonDocument cs && CommandArgs.GetBool(cs, "allChangesForCluster"))
        {
            var rest = new BsonArray(pipeline.Skip(1));
            cursor = await services.Engine.WatchAsync(rest, ParseChangeStream(cs), context.Operation, context.CancellationToken).ConfigureAwait(false);
        }
        else if (dbLevel && pipeline.Count > 0 && pipeline[0] is BsonDocument listSessions && listSessions.Contains("$listLocalSessions"))
        {
            // Sessions live in the wire layer: feed them to the engine's pipeline as $documents.
            var sessionsDocs = new BsonArray();
            foreach (var d in services.Sessions.Describe()) sessionsDocs.Add(d);
            var rewritten = new BsonArray { new BsonDocument("$documents", sessionsDocs) };
            for (int i = 1; i < pipeline.Count; i++) rewritten.Add(pipeline[i]);
            cursor = await database.AggregateAsync(rewritten, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        }
        else if (dbLevel)
        {
            cursor = await database.AggregateAsync(pipeline, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            cursor = await database.GetCollection(context.CollectionName).AggregateAsync(pipeline, options, context.Operation, context.CancellationToken).ConfigureAwait(false);
        }
        if (writes)
        {
            // $out / $merge do their work as the pipeline runs: drain it, return an empty, closed cursor.
            try
            {
                while (!cursor.IsExhausted)
                {
                    await cursor.NextBatchAsync(0, null, CursorReplies.MaxBatchBytes, context.CancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                await cursor.DisposeAsync().ConfigureAwait(false);
            }
            return CursorReplies.Reply("firstBatch", [], 0, ns, null);
        }
        return await CursorReplies.FirstBatchAsync(context, services.Cursors, cursor, ns, batchSize,
            tailable: changeStream, awaitData: changeStream).ConfigureAwait(false);
    }

    /// <summary>Parses a <c>$changeStream</c> stage's options.</summary>
    public static ChangeStreamOptions ParseChangeStream(BsonDocument stage)
    {
        ArgumentNullException.ThrowIfNull(stage);
        return new ChangeStreamOptions
        {
            FullDocument = CommandArgs.GetString(stage, "fullDocument") ?? "default",
            FullDocumentBeforeChange = CommandArgs.GetString(stage, "fullDocumentBeforeChange") ?? "off",
            ResumeAfter = CommandArgs.GetDocument(stage, "resumeAfter"),
            StartAfter = CommandArgs.GetDocument(stage, "startAfter"),
            StartAtOperationTime = stage.TryGetValue("startAtOperationTime", out var t) && t is BsonTimestamp ts ? ts : null,
            ShowExpandedEvents = CommandArgs.GetBool(stage, "showExpandedEvents"),
        };
    }

    private async ValueTask<BsonDocument> ExplainAsync(CommandContext context)
    {
        if (context.Argument is not BsonDocument inner || inner.ElementCount == 0) throw new MongoException(ErrorCodes.FailedToParse, "explain command requires a nested object");
        var verbosity = (CommandArgs.GetString(context.Command, "verbosity") ?? "allPlansExecution") switch
        {
            "queryPlanner" => ExplainVerbosity.QueryPlanner,
            "executionStats" => ExplainVerbosity.ExecutionStats,
            "allPlansExecution" => ExplainVerbosity.AllPlansExecution,
            var v => throw new MongoException(ErrorCodes.BadValue, $"verbosity string must be one of {{'queryPlanner', 'executionStats', 'allPlansExecution'}}, not {v}"),
        };
        string name = inner.GetElement(0).Name;
        var target = inner.GetElement(0).Value;
        if (!target.IsString) throw new MongoException(ErrorCodes.InvalidNamespace, "explain of a database-level command is not supported");
        var collection = services.Engine.GetDatabase(context.Database).GetCollection(target.AsString);
        BsonDocument result = name switch
        {
            "find" => await collection.ExplainFindAsync(ParseFind(inner, out _, out _), verbosity, context.Operation, context.CancellationToken).ConfigureAwait(false),
            "aggregate" => await collection.ExplainAggregateAsync(CommandArgs.GetArray(inner, "pipeline") ?? [], ParseAggregate(inner), verbosity, context.Operation, context.CancellationToken).ConfigureAwait(false),
            "count" => await collection.ExplainCountAsync(ParseCount(inner), verbosity, context.Operation, context.CancellationToken).ConfigureAwait(false),
            _ => throw new MongoException(ErrorCodes.CommandNotSupported, $"explain of {name} is not supported"),
        };
        result.Set("ok", 1.0);
        return result;
    }
}
