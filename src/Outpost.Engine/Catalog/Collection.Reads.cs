using System.Diagnostics;
using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Engine.Catalog;
using Outpost.Engine.Query;
using Outpost.Query.Projections;
using Outpost.Query.Sorting;

namespace Outpost.Engine;

public sealed partial class Collection
{
    /// <summary>find: a cursor over the matching documents.</summary>
    public async Task<Cursor> FindAsync(FindOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        if (State is null) await Engine.Catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
        return await FindCoreAsync(options, context, cancellationToken).ConfigureAwait(false);
    }

    private Task<Cursor> FindCoreAsync(FindOptions? options, OperationContext? context, CancellationToken cancellationToken)
    {
        options ??= new FindOptions();
        context ??= OperationContext.None;
        var state = State;
        if (state is { IsView: true }) return Engine.RunPipelineAsync(this, ViewQuery(options.Filter, options.Sort, options.Skip, Math.Abs(options.Limit), options.Projection, null),
            new AggregateOptions { Collation = options.Collation, Let = options.Let, AllowDiskUse = options.AllowDiskUse }, context, cancellationToken);
        if (options.Tailable)
        {
            if (state is not { IsCapped: true })
                throw new MongoException(ErrorCodes.BadValue, $"error processing query: ns={Namespace} tailable cursor requested on non capped collection");
            var tailProjection = options.Projection is { ElementCount: > 0 } p ? ProjectionPlan.Compile(p, QueryContextFor(options.Collation, options.Let)) : null;
            return Task.FromResult<Cursor>(new TailableCursor(Engine, this, DocumentMatcher.Create(options.Filter, QueryContextFor(options.Collation, options.Let)), tailProjection, options.AwaitData));
        }

        if (state is null) return Task.FromResult<Cursor>(new QueryCursor(Namespace, Empty()));
        if (IdLookupValue(state, options) is { } id && !Engine.Profiler.IsActive(Database.Name, Name))
            return FindByIdAsync(state, id, options, context, cancellationToken);
        var prepared = PrepareFind(state, options, context);
        var stats = new ExecutionStats();
        var results = RunFind(state, options, prepared, stats, context);
        if (Engine.Profiler.IsActive(Database.Name, Name))
            results = Engine.Profiler.ProfileQueryAsync(Engine, this, options, prepared.Plan, stats, context, results);
        return Task.FromResult<Cursor>(new QueryCursor(Namespace, results));
    }

    /// <summary>
    /// The _id value when the find is an exact _id point lookup that needs nothing but one document read (MongoDB's
    /// IDHACK): a filter of exactly <c>{_id: scalar}</c>, no sort, skip, hint, min/max, returnKey or recordId. Strings
    /// qualify only without a collation (a collation may make other strings equal). Null otherwise.
    /// </summary>
    private static BsonValue? IdLookupValue(CollectionState state, FindOptions options)
    {
        if (options.Filter.ElementCount != 1 || options.Sort is { ElementCount: > 0 } || options.Skip != 0 || options.Hint is not null
            || options.Min is not null || options.Max is not null || options.ReturnKey || options.ShowRecordId || options.AttachMeta) return null;
        var element = options.Filter.GetElement(0);
        if (element.Name != "_id") return null;
        return element.Value switch
        {
            BsonObjectId or BsonInt32 or BsonInt64 or BsonDouble or BsonDecimal128 or BsonDateTime or BsonBoolean or BsonTimestamp or BsonBinary => element.Value,
            BsonString when options.Collation is null && state.Options.Collation is null => element.Value,
            _ => null,
        };
    }

    /// <summary>
    /// The IDHACK path: one point read of the collection tree (the _id index) instead of planning, a range scan and the
    /// streaming cursor machinery. Equal values have equal encoded keys (1, 1.0 and NumberLong(1) alike), so the key read
    /// is exactly the filter's equality. Reads in the session's transaction when there is one.
    /// </summary>
    private async Task<Cursor> FindByIdAsync(CollectionState state, BsonValue id, FindOptions options, OperationContext context, CancellationToken cancellationToken)
    {
        var projector = options.Projection is { ElementCount: > 0 } projection ? ProjectionPlan.Compile(projection, QueryContextFor(options.Collation, options.Let)) : null;
        context.ThrowIfExpired();
        byte[]? bytes = null;
        if (state.Tree != 0 && context.Transaction is null)
        {
            (var current, bytes) = await ReadCommittedByIdAsync(state, id, cancellationToken).ConfigureAwait(false);
            if (!current) return State is null ? new SingleResultCursor(Namespace, null) : await FindCoreAsync(options, context, cancellationToken).ConfigureAwait(false);
        }
        else if (state.Tree != 0)
        {
            var source = ReadSource.For(Engine, context);
            var tx = await source.AcquireAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                bytes = await tx.GetAsync(state.Tree, Engine.Writer.EncodeId(id), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await source.ReleaseAsync(tx).ConfigureAwait(false);
            }
        }

        if (bytes is null) return new SingleResultCursor(Namespace, null);
        var document = BsonSerializer.Deserialize(bytes);
        return new SingleResultCursor(Namespace, projector is null ? document : projector.Apply(document));
    }

    /// <summary>
    /// The stored BSON of an _id point lookup (the IDHACK path of <see cref="FindAsync"/>) without decoding it, for
    /// callers that pass documents on as bytes: the wire server writes it into its find reply, where a decode here and
    /// an encode there would be most of the command's CPU. Not eligible (use <see cref="FindAsync"/>) unless the find
    /// is exactly <c>{_id: scalar}</c> without projection on a collection (not a view, not tailable), outside a
    /// transaction and with the profiler off — then it returns what <see cref="FindAsync"/> would, as bytes.
    /// </summary>
    public async ValueTask<RawLookup> TryFindRawByIdAsync(FindOptions options, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (State is null) await Engine.Catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
        context ??= OperationContext.None;
        var state = State;
        if (state is null || state.IsView || options.Tailable || context.Transaction is not null || options.Projection is { ElementCount: > 0 }) return RawLookup.NotEligible;
        if (IdLookupValue(state, options) is not { } id || Engine.Profiler.IsActive(Database.Name, Name)) return RawLookup.NotEligible;
        context.ThrowIfExpired();
        if (state.Tree == 0) return new RawLookup(true, null);
        var (current, bytes) = await ReadCommittedByIdAsync(state, id, cancellationToken).ConfigureAwait(false);
        return current ? new RawLookup(true, bytes) : RawLookup.NotEligible;
    }

    /// <summary>
    /// The committed document with _id <paramref name="id"/>, outside any transaction: one point read. On a shared store
    /// (another node may have dropped or recreated the collection) it reads in a snapshot whose catalog version is
    /// checked — prefetched with BEGIN, so it costs what GetCommittedAsync's default does — and returns Current = false
    /// when <paramref name="state"/> is no longer the collection's (the catalog is reloaded; the caller plans again).
    /// </summary>
    private async ValueTask<(bool Current, byte[]? Bytes)> ReadCommittedByIdAsync(CollectionState state, BsonValue id, CancellationToken cancellationToken)
    {
        if (!Engine.Catalog.IsShared) return (true, await Engine.Storage.GetCommittedAsync(state.Tree, Engine.Writer.EncodeId(id), cancellationToken).ConfigureAwait(false));
        var tx = await Engine.Storage.BeginAsync(Outpost.Storage.StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            if (!await Engine.Catalog.StillValidAsync(tx, state, null, false, cancellationToken).ConfigureAwait(false)) return (false, null);
            return (true, await tx.GetAsync(state.Tree, Engine.Writer.EncodeId(id), cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>A find on a view as the pipeline appended to the view's own.</summary>
    private static BsonArray ViewQuery(BsonDocument filter, BsonDocument? sort, long skip, long limit, BsonDocument? projection, string? countField)
    {
        var stages = new BsonArray();
        if (filter.ElementCount > 0) stages.Add(new BsonDocument("$match", filter));
        if (sort is { ElementCount: > 0 }) stages.Add(new BsonDocument("$sort", sort));
        if (skip > 0) stages.Add(new BsonDocument("$skip", skip));
        if (limit > 0) stages.Add(new BsonDocument("$limit", limit));
        if (projection is { ElementCount: > 0 }) stages.Add(new BsonDocument("$project", projection));
        if (countField is not null) stages.Add(new BsonDocument("$count", countField));
        return stages;
    }

    private static async IAsyncEnumerable<BsonDocument> Empty()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    private (QueryPlan Plan, DocumentMatcher Matcher) PrepareFind(CollectionState state, FindOptions options, OperationContext context)
    {
        _ = context;
        if (options.Skip < 0) throw new MongoException(51024, "Location51024", "BSON field 'skip' value must be >= 0, actual value '" + options.Skip + "'");
        var matcher = DocumentMatcher.Create(options.Filter, QueryContextFor(options.Collation, options.Let));
        var plan = Engine.Planner.Plan(state, options.Filter, options.Sort, options.Hint, IsCollated(options.Collation));
        plan = Indexes.SpecialAccess.Adjust(state, matcher, plan, Engine.Planner, options.Hint is not null);
        return (plan, matcher);
    }

    /// <summary>
    /// Runs a prepared find; when its first snapshot shows that the plan was made on a stale catalog (another node
    /// dropped the index it reads), plans again on the reloaded catalog before anything was returned.
    /// </summary>
    private async IAsyncEnumerable<BsonDocument> RunFind(CollectionState state, FindOptions options, (QueryPlan Plan, DocumentMatcher Matcher) prepared,
        ExecutionStats stats, OperationContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var results = RunPlan(state, options, prepared, stats, context, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                bool more;
                try
                {
                    more = await results.MoveNextAsync().ConfigureAwait(false);
                }
                catch (StaleCatalogException) when (attempt < 8)
                {
                    if (State is not { IsView: false } current) yield break;
                    state = current;
                    prepared = PrepareFind(state, options, context);
                    continue;
                }

                while (more)
                {
                    yield return results.Current;
                    more = await results.MoveNextAsync().ConfigureAwait(false);
                }

                yield break;
            }
            finally
            {
                await results.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async IAsyncEnumerable<BsonDocument> RunPlan(CollectionState state, FindOptions options, (QueryPlan Plan, DocumentMatcher Matcher) prepared,
        ExecutionStats stats, OperationContext context, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (plan, matcher) = prepared;
        var source = ReadSource.For(Engine, context).Guard(Engine.Catalog, state, plan.Index);
        var projector = options.Projection is { ElementCount: > 0 } projection ? ProjectionPlan.Compile(projection, QueryContextFor(options.Collation, options.Let)) : null;
        var limit = Math.Abs(options.Limit);
        long skipped = 0, returned = 0;
        var special = plan.Special;
        var hits = special is null
            ? PlanExecutor.ExecuteAsync(source, state, plan, matcher, stats, context, cancellationToken)
            : special.ExecuteAsync(source, state, plan, matcher, stats, context, cancellationToken);
        IAsyncEnumerable<BsonDocument> ordered;
        if (options.Sort is { ElementCount: > 0 } sort && (special is not null || !plan.ProvidesSort))
        {
            var sorter = SortSpec.Compile(sort, CollationOf(options.Collation));
            if (special is not null) sorter.TextScore = d => special.MetaOf(d) ?? 0;
            ordered = SortBlocking(hits, sorter, limit > 0 ? options.Skip + limit : 0, cancellationToken);
        }
        else
        {
            ordered = Documents(hits);
        }

        var keyPattern = plan.Index?.KeyPattern ?? (options.Hint as BsonDocument is { ElementCount: > 0 } h && h.GetElement(0).Name != "$natural" ? h : null);
        if ((options.Min is not null || options.Max is not null) && keyPattern is null)
            throw new MongoException(51173, "Location51173", "When using min()/max() a hint of which index to use must be provided");
        long recordId = 0;
        await foreach (var doc in ordered.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (keyPattern is not null && !WithinMinMax(doc, keyPattern, options.Min, options.Max)) continue;
            if (skipped < options.Skip)
            {
                skipped++;
                continue;
            }

            recordId++;
            if (options.ReturnKey)
            {
                yield return KeyOf(doc, keyPattern);
            }
            else
            {
                var meta = special?.MetaOf(doc);
                // The executor decoded doc for this query alone, so the projection may edit it instead of copying it.
                var output = projector is null ? doc : projector.ApplyToOwned(doc, null, special?.Text is null ? null : meta);
                if (options.ShowRecordId) output.Set("$recordId", recordId);
                if (options.AttachMeta && meta is { } m) output.Set("$meta." + special!.MetaName, m);
                yield return output;
            }

            if (limit > 0 && ++returned >= limit) yield break;
        }
    }

    /// <summary>returnKey: the chosen index's fields of the document ({} for a collection scan).</summary>
    private static BsonDocument KeyOf(BsonDocument doc, BsonDocument? keyPattern)
    {
        var key = new BsonDocument();
        if (keyPattern is null) return key;
        foreach (var e in keyPattern) key.Add(e.Name, DocumentPaths.Get(doc, e.Name) ?? BsonNull.Value);
        return key;
    }

    /// <summary>min (inclusive) / max (exclusive) over the index key tuple, each field in its index direction.</summary>
    private static bool WithinMinMax(BsonDocument doc, BsonDocument keyPattern, BsonDocument? min, BsonDocument? max)
    {
        if (min is null && max is null) return true;
        int CompareTo(BsonDocument bound)
        {
            var i = 0;
            foreach (var e in keyPattern)
            {
                if (i >= bound.ElementCount) return 0;
                var value = DocumentPaths.Get(doc, e.Name) ?? BsonNull.Value;
                var c = BsonComparer.Instance.Compare(value, bound.GetElement(i).Value);
                if (e.Value.IsNumeric && e.Value.ToDouble() < 0) c = -c;
                if (c != 0) return c;
                i++;
            }

            return 0;
        }

        return (min is null || CompareTo(min) >= 0) && (max is null || CompareTo(max) < 0);
    }

    private static async IAsyncEnumerable<BsonDocument> Documents(IAsyncEnumerable<(byte[] IdKey, BsonDocument Document)> hits)
    {
        await foreach (var hit in hits.ConfigureAwait(false)) yield return hit.Document;
    }

    /// <summary>The blocking SORT stage: keeps only the top <paramref name="keep"/> documents when a limit is known.</summary>
    private static async IAsyncEnumerable<BsonDocument> SortBlocking(IAsyncEnumerable<(byte[] IdKey, BsonDocument Document)> hits, SortSpec sorter, long keep,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var all = new List<BsonDocument>();
        await foreach (var hit in hits.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            all.Add(hit.Document);
            if (keep > 0 && all.Count >= keep * 2 + 1024)
            {
                StableSort(all, sorter);
                all.RemoveRange((int)keep, all.Count - (int)keep);
            }
        }

        StableSort(all, sorter);
        var count = keep > 0 ? Math.Min(all.Count, keep) : all.Count;
        for (var i = 0; i < count; i++) yield return all[i];
    }

    private static void StableSort(List<BsonDocument> list, SortSpec sorter)
    {
        var indexed = new List<(BsonDocument Doc, int Index)>(list.Count);
        for (var i = 0; i < list.Count; i++) indexed.Add((list[i], i));
        indexed.Sort((a, b) =>
        {
            var c = sorter.Compare(a.Doc, b.Doc);
            return c != 0 ? c : a.Index.CompareTo(b.Index);
        });
        for (var i = 0; i < list.Count; i++) list[i] = indexed[i].Doc;
    }

    /// <summary>count: matching documents (after skip, up to limit).</summary>
    public async Task<long> CountAsync(CountOptions? options = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        options ??= new CountOptions();
        context ??= OperationContext.None;
        if (State is null) await Engine.Catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var state = State;
        if (state is null) return 0;
        if (state.IsView)
        {
            var counted = await Engine.RunPipelineAsync(this, ViewQuery(options.Filter, null, options.Skip, Math.Abs(options.Limit), null, "n"),
                new AggregateOptions { Collation = options.Collation }, context, cancellationToken).ConfigureAwait(false);
            var rows = await counted.ToListAsync(cancellationToken).ConfigureAwait(false);
            return rows.Count == 0 ? 0 : rows[0]["n"].ToInt64();
        }

        long count;
        if (options.Filter.ElementCount == 0 && context.Transaction is null)
        {
            await using var tx = await Engine.Storage.BeginAsync(Outpost.Storage.StorageTransactionMode.ReadOnly, cancellationToken).ConfigureAwait(false);
            if (!await Engine.Catalog.StillValidAsync(tx, state, null, false, cancellationToken).ConfigureAwait(false))
                state = State is { IsView: false } current ? current : null;
            count = state is null ? 0 : await tx.CountAsync(state.Tree, Outpost.Storage.KeyRange.All, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            count = 0;
            var find = new FindOptions { Filter = options.Filter, Hint = options.Hint, Collation = options.Collation };
            await foreach (var _ in RunFind(state, find, PrepareFind(state, find, context), new ExecutionStats(), context, cancellationToken).ConfigureAwait(false)) count++;
        }

        count = Math.Max(0, count - Math.Max(0, options.Skip));
        var limit = Math.Abs(options.Limit);
        return limit > 0 ? Math.Min(count, limit) : count;
    }

    /// <summary>distinct: distinct values of <paramref name="key"/> (array elements flattened) among matching documents.</summary>
    public async Task<BsonArray> DistinctAsync(string key, BsonDocument? filter = null, BsonDocument? collation = null, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        context ??= OperationContext.None;
        if (State is null) await Engine.Catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var state = State;
        var result = new BsonArray();
        if (state is null) return result;
        var parts = key.Split('.');
        var seen = new HashSet<BsonValue>(BsonComparer.Instance);
        var values = new List<BsonValue>();
        var find = new FindOptions { Filter = filter ?? [], Collation = collation };
        var source = state.IsView
            ? await FindAsync(find, context, cancellationToken).ConfigureAwait(false)
            : (IAsyncEnumerable<BsonDocument>)RunFind(state, find, PrepareFind(state, find, context), new ExecutionStats(), context, cancellationToken);
        await foreach (var doc in source.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            values.Clear();
            DocumentPaths.Collect(doc, parts, 0, values, expandLeafArrays: true);
            foreach (var v in values)
            {
                if (v is BsonArray) continue; // its elements were added
                if (seen.Add(v)) result.Add(v);
            }
        }

        var sorted = result.ToList();
        sorted.Sort(BsonComparer.Instance);
        if (collation is null) return new BsonArray(sorted);
        var collated = Outpost.Query.Sorting.Collation.FromDocument(collation);
        if (collated.IsSimple) return new BsonArray(sorted);

        // Under a non-simple collation values equal by it ("PING"/"ping" at strength 2) are one value: the first seen.
        // A stable sort by the collation keeps first-seen order inside each run of equals.
        var comparer = collated.ValueComparer;
        var distinct = new BsonArray();
        BsonValue? previous = null;
        foreach (var v in result.OrderBy(v => v, comparer))
        {
            if (previous is not null && comparer.Compare(previous, v) == 0) continue;
            distinct.Add(v);
            previous = v;
        }

        return distinct;
    }

    /// <summary>explain of a find: <c>{queryPlanner: {namespace, parsedQuery, winningPlan, rejectedPlans}, executionStats?}</c>.</summary>
    public async Task<BsonDocument> ExplainFindAsync(FindOptions options, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        context ??= OperationContext.None;
        var state = State;
        var queryPlanner = new BsonDocument { { "namespace", Namespace }, { "parsedQuery", options.Filter }, { "indexFilterSet", false } };
        if (state is null || state.IsView)
        {
            queryPlanner.Add("winningPlan", new BsonDocument("stage", "EOF"));
            queryPlanner.Add("rejectedPlans", new BsonArray());
            return new BsonDocument { { "queryPlanner", queryPlanner }, { "ok", 1.0 } };
        }

        var prepared = PrepareFind(state, options, context);
        var plan = prepared.Plan;
        queryPlanner.Add("winningPlan", ExplainShape.WinningPlan(plan, options, prepared.Matcher));
        queryPlanner.Add("rejectedPlans", new BsonArray());
        var reply = new BsonDocument("queryPlanner", queryPlanner);
        if (verbosity != ExplainVerbosity.QueryPlanner)
        {
            var stats = new ExecutionStats();
            var watch = Stopwatch.StartNew();
            long n = 0;
            await foreach (var _ in RunFind(state, options, prepared, stats, context, cancellationToken).ConfigureAwait(false)) n++;
            reply.Add("executionStats", new BsonDocument
            {
                { "executionSuccess", true }, { "nReturned", n }, { "executionTimeMillis", watch.ElapsedMilliseconds },
                { "totalKeysExamined", stats.KeysExamined }, { "totalDocsExamined", stats.DocsExamined },
                { "executionStages", ExplainShape.WinningPlan(plan, options, prepared.Matcher) },
            });
        }

        reply.Add("ok", 1.0);
        return reply;
    }

    /// <summary>explain of a count (the find plan with a COUNT stage on top).</summary>
    public async Task<BsonDocument> ExplainCountAsync(CountOptions options, ExplainVerbosity verbosity = ExplainVerbosity.QueryPlanner, OperationContext? context = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var reply = await ExplainFindAsync(new FindOptions { Filter = options.Filter, Hint = options.Hint, Collation = options.Collation }, verbosity, context, cancellationToken).ConfigureAwait(false);
        var qp = reply["queryPlanner"].AsDocument;
        qp.Set("winningPlan", new BsonDocument { { "stage", "COUNT" }, { "inputStage", qp["winningPlan"] } });
        return reply;
    }
}
