using Outpost.Bson;
using Outpost.Bson.Serialization;
using Outpost.Engine.Catalog;
using Outpost.Engine.Query;
using Outpost.Engine.Writes;
using Outpost.Query;
using Outpost.Query.Projections;
using Outpost.Query.Sorting;
using Outpost.Storage;

namespace Outpost.Engine;

/// <summary>
/// A collection (or view) handle. Every operation takes an <see cref="OperationContext"/> (transaction, deadline)
/// and a CancellationToken. Writes to a missing collection create it; reads of a missing collection see nothing.
/// </summary>
public sealed partial class Collection
{
    /// <summary>
    /// Documents inserted per storage transaction by a multi-document insert outside transactions. Large batches matter:
    /// each commit rewrites every B-tree page it dirtied into the WAL (and fsyncs), and a batch's index entries land on
    /// pages all over each index, so 500-document batches rewrote each index's pages 200 times per 100,000 documents.
    /// (25,000 / 40 MiB was tried in decision 018: no gain measurable on the shared machine, 2.5× the memory.)
    /// </summary>
    private const int InsertBatchSize = 10_000;

    /// <summary>
    /// Serialized document bytes after which a batch commits early: bounds the memory its buffered writes take (about
    /// four times this with the change log's copy and a seed-like index set).
    /// </summary>
    private const long InsertBatchBytes = 16L * 1024 * 1024;

    internal Collection(Database database, string name)
    {
        Database = database;
        Name = name;
    }

    /// <summary>The database.</summary>
    public Database Database { get; }

    /// <summary>The collection name.</summary>
    public string Name { get; }

    /// <summary>"db.collection".</summary>
    public string Namespace => Database.Name + "." + Name;

    private OutpostEngine Engine => Database.Engine;

    internal CollectionState? State => Engine.Catalog.TryGet(Database.Name, Name);

    /// <summary>The collection for a write: created implicitly when missing; views refuse writes (166).</summary>
    internal async Task<CollectionState> GetForWriteAsync(CancellationToken cancellationToken)
    {
        var state = State;
        if (state is null)
        {
            await Engine.Catalog.RunDdlAsync(async (tx, current, changes) =>
            {
                if (current.ContainsKey(Namespace)) return 0;
                var created = await Engine.Catalog.CreateInAsync(tx, Database.Name, Name, new CreateCollectionOptions(), cancellationToken).ConfigureAwait(false);
                changes[created.Namespace] = created;
                return 0;
            }, cancellationToken, exclusive: false).ConfigureAwait(false);
            state = State!;
        }

        if (state.IsView) throw EngineErrors.ViewWrite(Namespace);
        return state;
    }

    private static QueryContext QueryContextFor(BsonDocument? collation, BsonDocument? let)
    {
        var context = new QueryContext { Collation = CollationOf(collation) };
        // A command's let values are expressions ({ $literal: "$x" }, { $rand: {} }), evaluated once into constants.
        return let is null ? context : new QueryContext { Collation = context.Collation, Variables = AggregationExpression.EvaluateVariables(let, context) };
    }

    private static Outpost.Query.Sorting.Collation? CollationOf(BsonDocument? collation) =>
        collation is null ? null : Outpost.Query.Sorting.Collation.FromDocument(collation);

    /// <summary>Whether a query's collation compares strings differently from the binary index keys.</summary>
    private static bool IsCollated(BsonDocument? collation) => CollationOf(collation) is { IsSimple: false };

    private static WriteError ToWriteError(int index, MongoException ex)
    {
        BsonDocument? details = null;
        if (ex.Details.Count > 0)
        {
            details = new BsonDocument();
            foreach (var (key, value) in ex.Details)
                if (value is BsonValue v) details.Add(key, v);
        }

        return new WriteError(index, ex.Code, ex.CodeName, ex.Message, details);
    }

    /// <summary>Insert-time rules; a document held as bytes is decoded only when the collection has a rule to check.</summary>
    private static void Validate(CollectionState state, PreparedDocument document, bool bypass)
    {
        if (state.Options.TimeSeries is null && (bypass || state.Validator is null)) return;
        Validate(state, document.Document, null, bypass);
    }

    private static void Validate(CollectionState state, BsonDocument document, BsonDocument? before, bool bypass)
    {
        Outpost.Engine.TimeSeries.TimeSeriesRules.CheckDocument(state, document);
        if (bypass || state.Validator is null) return;
        var level = state.Options.ValidationLevel ?? "strict";
        if (level == "off") return;
        if (state.Validator.Matches(document)) return;

        // moderate: updates to documents that were already invalid are not checked.
        if (level == "moderate" && before is not null && !state.Validator.Matches(before)) return;
        if (state.Options.ValidationAction == "warn") return;
        // Only a refused document pays for the explanation: the compiled validator above stays the success path.
        var details = ValidationFailureDetails.Explain(state.Validator.Filter, document);
        throw new MongoException(ErrorCodes.DocumentValidationFailure, "Document failed validation")
        {
            Details = [new("errInfo", new BsonDocument { { "failingDocumentId", document.TryGetValue("_id", out var id) ? id : BsonNull.Value }, { "details", details } })],
        };
    }

    /// <summary>insert: adds documents (an _id ObjectId is generated first in the document when missing).</summary>
    public Task<WriteResult> InsertAsync(IReadOnlyList<BsonDocument> documents, InsertOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return InsertCoreAsync(documents.Count, i => PreparedDocument.FromDocument(DocumentWriter.PrepareForInsert(documents[i])), options, context, cancellationToken);
    }

    /// <summary>
    /// insert of already-encoded documents (one BSON document per entry, e.g. straight from a wire message): the same
    /// rules and results as <see cref="InsertAsync(IReadOnlyList{BsonDocument}, InsertOptions?, OperationContext?, CancellationToken)"/>,
    /// but a document whose _id comes first is stored as the bytes it came in, without a decode and re-encode (a missing
    /// _id is put in front). The bytes are copied; the caller's memory is not kept.
    /// </summary>
    /// <exception cref="BsonFormatException">When any document is malformed; nothing is written then.</exception>
    public Task<WriteResult> InsertRawAsync(IReadOnlyList<ReadOnlyMemory<byte>> documents, InsertOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        // Every document is checked before anything is written, as a decode of the whole batch would.
        var canonical = new bool[documents.Count];
        for (var i = 0; i < canonical.Length; i++) canonical[i] = BsonValidator.Validate(documents[i].Span, PreparedDocument.ReadLimits);
        return InsertCoreAsync(documents.Count, i => PreparedDocument.FromValidatedBytes(documents[i].Span, canonical[i]), options, context, cancellationToken);
    }

    /// <summary>The one insert implementation: prepare each document (rule violations are per-document errors), then write in batches.</summary>
    private async Task<WriteResult> InsertCoreAsync(int count, Func<int, PreparedDocument> prepare, InsertOptions? options, OperationContext? context, CancellationToken cancellationToken)
    {
        var profileStart = System.Diagnostics.Stopwatch.GetTimestamp();
        options ??= InsertOptions.Default;
        context ??= OperationContext.None;
        var result = new WriteResult();
        var state = await GetForWriteAsync(cancellationToken).ConfigureAwait(false);

        // Prepare every document first: rule violations are per-document errors that never reach storage.
        var prepared = new PreparedDocument?[count];
        for (var i = 0; i < count; i++)
        {
            try
            {
                prepared[i] = prepare(i);
            }
            catch (MongoException ex) when (context.Transaction is null)
            {
                prepared[i] = null;
                result.WriteErrors.Add(ToWriteError(i, ex));
                if (options.Ordered) break;
            }
        }

        var stopAt = options.Ordered && result.WriteErrors.Count > 0 ? result.WriteErrors[0].Index : count;
        var start = 0;
        var retryEnd = -1;
        while (start < stopAt)
        {
            var end = Math.Min(stopAt, start + (context.Transaction is null ? InsertBatchSize : int.MaxValue));
            if (retryEnd > start) end = Math.Min(end, retryEnd);
            retryEnd = -1;

            // Which document the batch was writing when it failed (-1: it failed outside the per-document loop, e.g. at
            // commit), and where a byte budget ended it early.
            var failedAt = -1;
            var batchEnd = end;
            MongoException? failure = null;
            try
            {
                await Engine.RunWriteAsync(context, async tx =>
                {
                    var current = State ?? state;
                    long bytes = 0;
                    batchEnd = end;
                    for (var i = start; i < end; i++)
                    {
                        if (prepared[i] is not { } doc) continue;
                        failedAt = i;
                        options.Restriction?.Check(doc.Document, "inserted");
                        Validate(current, doc, options.BypassDocumentValidation);
                        bytes += await Engine.Writer.InsertAsync(tx, current, doc, context, cancellationToken).ConfigureAwait(false);
                        if (context.Transaction is null && bytes >= InsertBatchBytes)
                        {
                            batchEnd = i + 1;
                            break;
                        }
                    }

                    failedAt = -1;
                    return 0;
                }, cancellationToken, Namespace).ConfigureAwait(false);
            }
            catch (MongoException ex) when (context.Transaction is null)
            {
                failure = ex;
            }

            if (failure is null)
            {
                for (var i = start; i < batchEnd; i++)
                    if (prepared[i] is { } doc) { result.N++; result.InsertedIds.Add(doc.Id); }
                start = batchEnd;
                continue;
            }

            if (failedAt > start)
            {
                // The documents before the failing one were fine but nothing of the attempt was committed: write them as
                // a batch of their own; the failing document then comes first in the next attempt.
                retryEnd = failedAt;
                continue;
            }

            if (failedAt == start)
            {
                // The batch's first document failed with nothing written before it in that transaction: exactly what it
                // would have done alone. Report it like MongoDB does per document.
                if (failure.Code is ErrorCodes.WriteConflict or ErrorCodes.MaxTimeMSExpired) throw failure;
                result.WriteErrors.Add(ToWriteError(start, failure));
                if (options.Ordered) break;
                start++;
                continue;
            }

            // Failed outside the per-document loop (at commit): redo this batch one document per transaction to report
            // exactly which one fails.
            var stopped = false;
            for (var i = start; i < end; i++)
            {
                if (prepared[i] is not { } doc) continue;
                try
                {
                    await Engine.RunWriteAsync(context, async tx =>
                    {
                        var current = State ?? state;
                        options.Restriction?.Check(doc.Document, "inserted");
                        Validate(current, doc, options.BypassDocumentValidation);
                        await Engine.Writer.InsertAsync(tx, current, doc, context, cancellationToken).ConfigureAwait(false);
                        return 0;
                    }, cancellationToken, Namespace).ConfigureAwait(false);
                    result.N++;
                    result.InsertedIds.Add(doc.Id);
                }
                catch (MongoException ex) when (ex.Code != ErrorCodes.WriteConflict && ex.Code != ErrorCodes.MaxTimeMSExpired)
                {
                    result.WriteErrors.Add(ToWriteError(i, ex));
                    if (options.Ordered)
                    {
                        stopped = true;
                        break;
                    }
                }
            }

            if (stopped) break;
            start = end;
        }

        result.WriteErrors.Sort((a, b) => a.Index.CompareTo(b.Index));
        if (Engine.Profiler.IsActive(Database.Name, Name)) await Engine.Profiler.RecordWriteAsync(Engine, this, "insert", new BsonDocument { { "insert", Name }, { "ordered", options.Ordered } }, result, profileStart, context).ConfigureAwait(false);
        return result;
    }

    /// <summary>update: applies each statement (one transaction per statement outside a multi-document transaction).</summary>
    public async Task<WriteResult> UpdateAsync(IReadOnlyList<UpdateStatement> statements, UpdateOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        var profileStart = System.Diagnostics.Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(statements);
        options ??= UpdateOptions.Default;
        context ??= OperationContext.None;
        var result = new WriteResult();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            try
            {
                var state = State;
                if (state is null && !statement.Upsert) continue;
                state = await GetForWriteAsync(cancellationToken).ConfigureAwait(false);
                var queryContext = QueryContextFor(statement.Collation, options.Let);
                var updater = DocumentUpdater.Create(statement.Update, queryContext, statement.ArrayFilters);
                if (updater.IsReplacement && statement.Multi)
                    throw new MongoException(ErrorCodes.FailedToParse, "multi update is not supported for replacement-style update");
                var matcher = DocumentMatcher.Create(statement.Filter, queryContext);
                var outcome = await Engine.RunWriteAsync(context, tx => ApplyUpdateAsync(tx, statement.Filter, matcher, updater, statement.Multi,
                    statement.Upsert, statement.Hint, null, statement.Collation, options.BypassDocumentValidation, options.Restriction, context, cancellationToken), cancellationToken, Namespace).ConfigureAwait(false);
                result.N += outcome.Matched;
                result.NModified += outcome.Modified;
                if (outcome.UpsertedId is not null)
                {
                    result.N++;
                    result.Upserted.Add(new UpsertedId(i, outcome.UpsertedId));
                }
            }
            catch (MongoException ex) when (context.Transaction is null && ex.Code != ErrorCodes.MaxTimeMSExpired)
            {
                result.WriteErrors.Add(ToWriteError(i, ex));
                if (options.Ordered) break;
            }
        }

        if (Engine.Profiler.IsActive(Database.Name, Name)) await Engine.Profiler.RecordWriteAsync(Engine, this, "update", new BsonDocument { { "update", Name }, { "updates", new BsonArray(statements.Select(s => (BsonValue)new BsonDocument { { "q", s.Filter }, { "multi", s.Multi }, { "upsert", s.Upsert } })) } }, result, profileStart, context).ConfigureAwait(false);
        return result;
    }

    /// <summary>What one update statement did.</summary>
    internal readonly record struct UpdateOutcome(long Matched, long Modified, BsonValue? UpsertedId, BsonDocument? Before, BsonDocument? After);

    /// <summary>Applies one update statement inside <paramref name="tx"/>: targets are collected first, then rewritten.</summary>
    internal async Task<UpdateOutcome> ApplyUpdateAsync(IStorageTransaction tx, BsonDocument filter, DocumentMatcher matcher, DocumentUpdater updater,
        bool multi, bool upsert, BsonValue? hint, BsonDocument? sort, BsonDocument? collation, bool bypassValidation, DocumentRestriction? restriction,
        OperationContext context, CancellationToken cancellationToken)
    {
        var state = State ?? throw EngineErrors.NamespaceNotFound(Namespace);
        var targets = await FindTargetsAsync(tx, state, filter, matcher, multi, hint, sort, collation, context, cancellationToken).ConfigureAwait(false);
        long matched = 0, modified = 0;
        BsonDocument? firstBefore = null, firstAfter = null;
        foreach (var (idKey, before) in targets)
        {
            matched++;
            var (after, changed, description) = updater.Apply(before, isInsert: false);
            firstBefore ??= before;
            firstAfter ??= after;
            if (!changed) continue;
            // Authorization before validation: a refused writer learns nothing from the validator.
            restriction?.Check(after, "updated");
            Validate(state, after, before, bypassValidation);
            await Engine.Writer.ReplaceAsync(tx, state, idKey, before, after, description, context, cancellationToken).ConfigureAwait(false);
            modified++;
        }

        if (matched > 0 || !upsert) return new UpdateOutcome(matched, modified, null, firstBefore, firstAfter);

        var seed = DocumentUpdater.UpsertSeed(filter);
        var inserted = updater.Apply(seed, isInsert: true).Document;
        if (updater.IsReplacement && seed.TryGetValue("_id", out var filterId) && !inserted.Contains("_id"))
            inserted.InsertAt(0, new BsonElement("_id", filterId));
        inserted = DocumentWriter.PrepareForInsert(inserted);
        restriction?.Check(inserted, "upserted");
        Validate(state, inserted, null, bypassValidation);
        await Engine.Writer.InsertAsync(tx, state, inserted, context, cancellationToken).ConfigureAwait(false);
        return new UpdateOutcome(0, 0, inserted["_id"], null, inserted);
    }

    private async Task<List<(byte[] IdKey, BsonDocument Document)>> FindTargetsAsync(IStorageTransaction tx, CollectionState state, BsonDocument filter,
        DocumentMatcher matcher, bool multi, BsonValue? hint, BsonDocument? sort, BsonDocument? collation, OperationContext context, CancellationToken cancellationToken)
    {
        // As find does: under a non-simple collation string predicates get no index bounds (binary bounds would miss
        // "K" for "k" at strength 2) and a sort is done with the collation, not in index order.
        var plan = Engine.Planner.Plan(state, filter, sort, hint, IsCollated(collation));
        var targets = new List<(byte[], BsonDocument)>();
        var limitOne = !multi && (sort is null || plan.ProvidesSort);
        await foreach (var hit in PlanExecutor.ExecuteAsync(ReadSource.Fixed(tx), state, plan, matcher, new ExecutionStats(), context, cancellationToken).ConfigureAwait(false))
        {
            targets.Add(hit);
            if (limitOne) break;
        }

        if (!multi && targets.Count > 1)
        {
            var sorter = SortSpec.Compile(sort!, CollationOf(collation));
            targets.Sort((a, b) => sorter.Compare(a.Item2, b.Item2));
            targets.RemoveRange(1, targets.Count - 1);
        }

        return targets;
    }

    /// <summary>delete: removes the documents each statement selects.</summary>
    public async Task<WriteResult> DeleteAsync(IReadOnlyList<DeleteStatement> statements, DeleteOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        var profileStart = System.Diagnostics.Stopwatch.GetTimestamp();
        ArgumentNullException.ThrowIfNull(statements);
        options ??= DeleteOptions.Default;
        context ??= OperationContext.None;
        var result = new WriteResult();
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            try
            {
                var state = State;
                if (state is null) continue;
                if (state.IsView) throw EngineErrors.ViewWrite(Namespace);
                if (statement.Limit is not (0 or 1)) throw new MongoException(ErrorCodes.FailedToParse, "The limit field in delete objects must be 0 or 1. Got " + statement.Limit);
                var matcher = DocumentMatcher.Create(statement.Filter, QueryContextFor(statement.Collation, options.Let));
                result.N += await Engine.RunWriteAsync(context, async tx =>
                {
                    var current = State ?? state;
                    var targets = await FindTargetsAsync(tx, current, statement.Filter, matcher, statement.Limit == 0, statement.Hint, null, statement.Collation, context, cancellationToken).ConfigureAwait(false);
                    foreach (var (idKey, doc) in targets)
                        await Engine.Writer.DeleteAsync(tx, current, idKey, doc, context, cancellationToken).ConfigureAwait(false);
                    return (long)targets.Count;
                }, cancellationToken, Namespace).ConfigureAwait(false);
            }
            catch (MongoException ex) when (context.Transaction is null && ex.Code != ErrorCodes.MaxTimeMSExpired)
            {
                result.WriteErrors.Add(ToWriteError(i, ex));
                if (options.Ordered) break;
            }
        }

        if (Engine.Profiler.IsActive(Database.Name, Name)) await Engine.Profiler.RecordWriteAsync(Engine, this, "remove", new BsonDocument { { "delete", Name }, { "deletes", new BsonArray(statements.Select(s => (BsonValue)new BsonDocument { { "q", s.Filter }, { "limit", s.Limit } })) } }, result, profileStart, context).ConfigureAwait(false);
        return result;
    }

    /// <summary>findAndModify: atomically updates or removes one document and returns it. Errors throw.</summary>
    public async Task<FindAndModifyResult> FindAndModifyAsync(FindAndModifyOptions options, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        context ??= OperationContext.None;
        if (options.Remove && options.Update is not null) throw new MongoException(ErrorCodes.FailedToParse, "Cannot specify both an update and remove=true");
        if (!options.Remove && options.Update is null) throw new MongoException(ErrorCodes.FailedToParse, "Either an update or remove=true must be specified");
        if (options.Remove && options.Upsert) throw new MongoException(ErrorCodes.FailedToParse, "Cannot specify both upsert=true and remove=true");
        var queryContext = QueryContextFor(options.Collation, options.Let);
        var matcher = DocumentMatcher.Create(options.Query, queryContext);
        var projector = options.Fields is { ElementCount: > 0 } fields ? ProjectionPlan.Compile(fields, queryContext) : null;
        BsonDocument? Project(BsonDocument? d) => d is null || projector is null ? d : projector.Apply(d);

        if (options.Remove)
        {
            if (State is null) return new FindAndModifyResult { N = 0 };
            await GetForWriteAsync(cancellationToken).ConfigureAwait(false);
            var removed = await Engine.RunWriteAsync(context, async tx =>
            {
                var state = State ?? throw EngineErrors.NamespaceNotFound(Namespace);
                var targets = await FindTargetsAsync(tx, state, options.Query, matcher, false, options.Hint, options.Sort, options.Collation, context, cancellationToken).ConfigureAwait(false);
                if (targets.Count == 0) return null;
                await Engine.Writer.DeleteAsync(tx, state, targets[0].IdKey, targets[0].Document, context, cancellationToken).ConfigureAwait(false);
                return targets[0].Document;
            }, cancellationToken, Namespace).ConfigureAwait(false);
            return new FindAndModifyResult { Value = Project(removed), N = removed is null ? 0 : 1 };
        }

        if (State is null && !options.Upsert) return new FindAndModifyResult { N = 0 };
        await GetForWriteAsync(cancellationToken).ConfigureAwait(false);
        var updater = DocumentUpdater.Create(options.Update!, queryContext, options.ArrayFilters);
        var outcome = await Engine.RunWriteAsync(context, tx => ApplyUpdateAsync(tx, options.Query, matcher, updater, false, options.Upsert, options.Hint,
            options.Sort, options.Collation, options.BypassDocumentValidation, options.Restriction, context, cancellationToken), cancellationToken, Namespace).ConfigureAwait(false);
        var value = outcome.UpsertedId is not null
            ? (options.ReturnNew ? outcome.After : null)
            : (options.ReturnNew ? outcome.After : outcome.Before);
        return new FindAndModifyResult
        {
            Value = Project(value),
            N = outcome.Matched > 0 || outcome.UpsertedId is not null ? 1 : 0,
            UpdatedExisting = outcome.Matched > 0,
            Upserted = outcome.UpsertedId,
        };
    }
}
