using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Outpost.Bson;
using Outpost.Engine.Query;

namespace Outpost.Engine.Profiling;

/// <summary>
/// The database profiler: per-database <see cref="ProfileSettings"/> and the writer of <c>system.profile</c> entries
/// with MongoDB's field names (op, ns, command, keysExamined, docsExamined, nreturned, millis, planSummary, ts, client,
/// appName). Operations on system.profile itself are never profiled. Settings live in memory, as MongoDB's do.
/// </summary>
internal sealed class Profiler
{
    public const string CollectionName = "system.profile";

    private readonly ConcurrentDictionary<string, ProfileSettings> _settings = new(StringComparer.Ordinal);

    public ProfileSettings Get(string database) => _settings.TryGetValue(database, out var s) ? s : ProfileSettings.Default;

    public void Set(string database, ProfileSettings settings) => _settings[database] = settings;

    /// <summary>Whether anything may be recorded for this namespace (cheap check before measuring).</summary>
    public bool IsActive(string database, string collection) => collection != CollectionName && Get(database).Level > 0;

    /// <summary>Records <paramref name="entry"/> when the level, slowms/sampleRate or filter say so.</summary>
    public async Task RecordAsync(OutpostEngine engine, string database, BsonDocument entry, CancellationToken cancellationToken)
    {
        var settings = Get(database);
        if (settings.Level == 0) return;
        if (settings.Filter is { ElementCount: > 0 } filter)
        {
            if (!DocumentMatcher.Create(filter, Outpost.Query.QueryContext.Default).Matches(entry)) return;
        }
        else if (settings.Level == 1)
        {
            if (entry["millis"].ToInt64() < settings.SlowMs) return;
            if (settings.SampleRate < 1.0 && Random.Shared.NextDouble() >= settings.SampleRate) return;
        }

        var profile = engine.GetDatabase(database).GetCollectionUnchecked(CollectionName);
        await profile.InsertAsync([entry], null, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A profile entry with the fields every operation has.</summary>
    public static BsonDocument Entry(string op, string ns, BsonDocument command, long millis, OperationContext context)
    {
        var entry = new BsonDocument { { "op", op }, { "ns", ns }, { "command", command } };
        entry.Add("millis", millis);
        entry.Add("ts", new BsonDateTime(DateTime.UtcNow));
        entry.Add("client", context.Client ?? "127.0.0.1");
        if (context.AppName is not null) entry.Add("appName", context.AppName);
        entry.Add("allUsers", new BsonArray());
        entry.Add("user", "");
        return entry;
    }

    public static long Millis(long startTimestamp) => (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    /// <summary>MongoDB's planSummary: "COLLSCAN", "IDHACK", "IXSCAN { a: 1 }", "GEO_NEAR_2DSPHERE { loc: "2dsphere" }".</summary>
    public static string PlanSummary(QueryPlan plan)
    {
        if (plan.IsIdHack) return "IDHACK";
        if (plan.Index is null) return "COLLSCAN";
        var keys = string.Join(", ", plan.Index.KeyPattern.Select(e => $"{e.Name}: {(e.Value is BsonString s ? "\"" + s.Value + "\"" : e.Value.ToString())}"));
        return (plan.Special?.Near is not null ? "GEO_NEAR_2DSPHERE" : "IXSCAN") + " { " + keys + " }";
    }

    /// <summary>Wraps a find's result stream: measures the time spent producing documents and records a "query" entry when it ends.</summary>
    public async IAsyncEnumerable<BsonDocument> ProfileQueryAsync(OutpostEngine engine, Collection collection, FindOptions options, QueryPlan plan,
        ExecutionStats stats, OperationContext context, IAsyncEnumerable<BsonDocument> source, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        long elapsed = 0;
        long returned = 0;
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                var start = Stopwatch.GetTimestamp();
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                finally
                {
                    elapsed += Stopwatch.GetTimestamp() - start;
                }

                if (!more) break;
                returned++;
                yield return enumerator.Current;
            }
        }
        finally
        {
            await enumerator.DisposeAsync().ConfigureAwait(false);
            var command = new BsonDocument { { "find", collection.Name }, { "filter", options.Filter } };
            if (options.Sort is not null) command.Add("sort", options.Sort);
            if (options.Projection is not null) command.Add("projection", options.Projection);
            if (options.Skip > 0) command.Add("skip", options.Skip);
            if (options.Limit != 0) command.Add("limit", options.Limit);
            if (context.Comment is not null) command.Add("comment", context.Comment);
            command.Add("$db", collection.Database.Name);
            var entry = Entry("query", collection.Namespace, command, (long)(elapsed * 1000.0 / Stopwatch.Frequency), context);
            entry.Add("keysExamined", stats.KeysExamined);
            entry.Add("docsExamined", stats.DocsExamined);
            entry.Add("cursorExhausted", true);
            entry.Add("nreturned", returned);
            entry.Add("planSummary", PlanSummary(plan));
            await RecordAsync(engine, collection.Database.Name, Reorder(entry), CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>Records a write (insert/update/remove) once it finished.</summary>
    public Task RecordWriteAsync(OutpostEngine engine, Collection collection, string op, BsonDocument command, WriteResult result, long startTimestamp, OperationContext context)
    {
        if (!IsActive(collection.Database.Name, collection.Name)) return Task.CompletedTask;
        command.Add("$db", collection.Database.Name);
        var entry = Entry(op, collection.Namespace, command, Millis(startTimestamp), context);
        switch (op)
        {
            case "insert": entry.Add("ninserted", result.N); break;
            case "update":
                entry.Add("nMatched", result.N - result.Upserted.Count);
                entry.Add("nModified", result.NModified);
                entry.Add("nUpserted", result.Upserted.Count);
                break;
            case "remove": entry.Add("ndeleted", result.N); break;
        }

        if (result.WriteErrors.Count > 0) entry.Add("errCode", result.WriteErrors[0].Code);
        return RecordAsync(engine, collection.Database.Name, Reorder(entry), CancellationToken.None);
    }

    /// <summary>MongoDB's field order: op, ns, command, counters, millis, planSummary, ts, client, appName, users.</summary>
    private static BsonDocument Reorder(BsonDocument entry)
    {
        var ordered = new BsonDocument();
        string[] first = ["op", "ns", "command", "keysExamined", "docsExamined", "cursorExhausted", "ninserted", "nMatched", "nModified", "nUpserted", "ndeleted", "nreturned", "errCode", "millis", "planSummary", "ts", "client", "appName", "allUsers", "user"];
        foreach (var name in first)
            if (entry.TryGetValue(name, out var v)) ordered.Add(name, v);
        foreach (var e in entry)
            if (!ordered.Contains(e.Name)) ordered.Add(e);
        return ordered;
    }
}
