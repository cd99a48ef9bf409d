using Outpost.Bson;

namespace Outpost.Wire.Auth;

/// <summary>
/// Rewrites a command for a user whose privilege on its namespace carries an <c>outpostFilter</c> (decision 026):
/// the filter is ANDed into every query before anything else runs — find's filter, count's and distinct's query, each
/// update and delete statement's <c>q</c>, findAndModify's query, and a <c>$match</c> put first in an aggregation
/// pipeline (into <c>$geoNear</c>'s query when that stage must stay first). What the user writes is checked by the
/// engine (<see cref="Outpost.Engine.DocumentRestriction"/>). Commands whose shape cannot carry the filter are refused
/// with Unauthorized (13) instead of half-restricted.
/// </summary>
public static class RestrictedCommand
{
    // Stages that must come first (or report on the whole collection); a $match cannot go in front of them.
    private static readonly HashSet<string> FirstOnlyStages = new(StringComparer.Ordinal)
    {
        "$changeStream", "$collStats", "$indexStats", "$planCacheStats", "$documents", "$currentOp", "$listLocalSessions",
        "$listSessions", "$listSearchIndexes", "$search", "$searchMeta", "$vectorSearch", "$listCatalog", "$querySettings",
    };

    /// <summary>ANDs <paramref name="filter"/> into <paramref name="command"/> (named <paramref name="commandName"/>) in place.</summary>
    /// <exception cref="MongoException">Unauthorized (13) when the command cannot be restricted to the filter.</exception>
    public static void Apply(string commandName, BsonDocument command, BsonDocument filter)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(filter);
        switch (commandName)
        {
            case "find":
                AndInto(command, "filter", filter);
                break;
            case "count":
            case "distinct":
                AndInto(command, "query", filter);
                break;
            case "findAndModify":
                AndInto(command, "query", filter);
                break;
            case "update":
                AndIntoStatements(command, "updates", filter);
                break;
            case "delete":
                // A delete statement without q stays without it, so it fails as MongoDB's does (q is required).
                AndIntoStatements(command, "deletes", filter, onlyWhenPresent: true);
                break;
            case "aggregate":
                RestrictPipeline(command, filter);
                break;
            case "explain":
                if (command.TryGetValue("explain", out var inner) && inner is BsonDocument explained && explained.ElementCount > 0)
                {
                    Apply(explained.GetElement(0).Name, explained, filter);
                }
                break;
            case "insert":
            case "getMore":
            case "killCursors":
            case "listIndexes":
                // insert: the engine checks each document; getMore: the cursor was opened restricted; the others read no documents.
                break;
            default:
                // collStats and anything else reports on every document of the collection.
                throw Refused(commandName, "it reports on documents outside the user's outpostFilter");
        }
    }

    /// <summary>
    /// The pipeline an aggregate command (or the aggregate inside an explain) runs, or null for other commands.
    /// </summary>
    public static BsonArray? PipelineOf(string commandName, BsonDocument command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (commandName == "explain")
        {
            return command.TryGetValue("explain", out var inner) && inner is BsonDocument explained && explained.ElementCount > 0
                ? PipelineOf(explained.GetElement(0).Name, explained) : null;
        }
        return commandName == "aggregate" && command.TryGetValue("pipeline", out var p) && p is BsonArray pipeline ? pipeline : null;
    }

    /// <summary>
    /// Authorizes every other collection a pipeline reads — <c>$lookup</c>'s and <c>$graphLookup</c>'s <c>from</c>,
    /// <c>$unionWith</c>'s collection, at any depth (sub-pipelines, <c>$facet</c>) — and ANDs each source's document
    /// restriction into what is read from it: a <c>$match</c> first in <c>$lookup</c>'s and <c>$unionWith</c>'s
    /// pipeline (added when absent; the equality form of <c>$lookup</c> runs it after the join condition), and
    /// <c>$graphLookup</c>'s <c>restrictSearchWithMatch</c>.
    /// </summary>
    /// <param name="pipeline">The pipeline, rewritten in place.</param>
    /// <param name="restrictionOf">
    /// The restriction of the caller's <c>find</c> privilege on a collection of the command's database (null when
    /// unrestricted); throws Unauthorized (13) when the caller may not read it.
    /// </param>
    /// <exception cref="MongoException">Unauthorized (13) when a source may not be read, or when the pipeline holds one of
    /// these stages somewhere this walk does not reach (defence in depth: nothing is left unchecked).</exception>
    public static void RestrictSources(BsonArray pipeline, Func<string, BsonDocument?> restrictionOf)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(restrictionOf);
        int present = CountSourceStages(pipeline);
        int visited = RestrictSourcesCore(pipeline, restrictionOf);
        if (visited != present) throw Refused("aggregate", "a $lookup, $graphLookup or $unionWith stage in an unexpected place");
    }

    private static int CountSourceStages(BsonValue value)
    {
        int n = 0;
        if (value is BsonDocument doc)
        {
            foreach (var element in doc)
            {
                if (element.Name is "$lookup" or "$graphLookup" or "$unionWith") n++;
                n += CountSourceStages(element.Value);
            }
        }
        else if (value is BsonArray array)
        {
            foreach (var item in array) n += CountSourceStages(item);
        }
        return n;
    }

    private static int RestrictSourcesCore(BsonArray pipeline, Func<string, BsonDocument?> restrictionOf)
    {
        int visited = 0;
        for (int i = 0; i < pipeline.Count; i++)
        {
            if (pipeline[i] is not BsonDocument stage || stage.ElementCount == 0) continue;
            var (name, spec) = (stage.GetElement(0).Name, stage.GetElement(0).Value);
            switch (name)
            {
                case "$lookup" when spec is BsonDocument lookup:
                    visited += 1 + RestrictSubPipelineSource(lookup, "from", restrictionOf);
                    break;
                case "$unionWith" when spec is BsonDocument union:
                    visited += 1 + RestrictSubPipelineSource(union, "coll", restrictionOf);
                    break;
                case "$unionWith" when spec.IsString:
                    var unionSpec = new BsonDocument { { "coll", spec.AsString } };
                    visited += 1 + RestrictSubPipelineSource(unionSpec, "coll", restrictionOf);
                    stage.Set("$unionWith", unionSpec);
                    break;
                case "$graphLookup" when spec is BsonDocument graph:
                    if (SourceOf(graph, "from") is { } graphSource && restrictionOf(graphSource) is { } graphFilter)
                    {
                        AndInto(graph, "restrictSearchWithMatch", graphFilter);
                    }
                    visited++;
                    break;
                case "$facet" when spec is BsonDocument facet:
                    foreach (var element in facet)
                    {
                        if (element.Value is BsonArray sub) visited += RestrictSourcesCore(sub, restrictionOf);
                    }
                    break;
            }
        }
        return visited;
    }

    private static int RestrictSubPipelineSource(BsonDocument stage, string sourceField, Func<string, BsonDocument?> restrictionOf)
    {
        BsonArray? sub = stage.TryGetValue("pipeline", out var p) && p is BsonArray a ? a : null;
        int visited = sub is null ? 0 : RestrictSourcesCore(sub, restrictionOf);
        // No source collection: the sub-pipeline makes its own documents ($documents).
        if (SourceOf(stage, sourceField) is not { } source || restrictionOf(source) is not { } filter) return visited;
        if (sub is null)
        {
            sub = [];
            stage.Set("pipeline", sub);
        }
        sub.Insert(0, new BsonDocument("$match", filter.DeepClone()));
        return visited;
    }

    private static string? SourceOf(BsonDocument stage, string field)
    {
        if (!stage.TryGetValue(field, out var source)) return null;
        // A source in another database ({db, coll}) would need that database's privileges: refused.
        return source.IsString ? source.AsString : throw Refused("aggregate", $"a {field} outside the command's database cannot be authorized");
    }

    private static void AndInto(BsonDocument holder, string field, BsonDocument filter)
    {
        if (!holder.TryGetValue(field, out var existing) || existing.IsNull || existing is BsonDocument { ElementCount: 0 })
        {
            holder.Set(field, filter.DeepClone());
            return;
        }
        // A malformed filter keeps its shape inside $and, so the command still fails with the error MongoDB gives it.
        holder.Set(field, new BsonDocument("$and", new BsonArray { filter.DeepClone(), existing }));
    }

    private static void AndIntoStatements(BsonDocument command, string field, BsonDocument filter, bool onlyWhenPresent = false)
    {
        if (!command.TryGetValue(field, out var statements) || statements is not BsonArray array) return;
        foreach (var statement in array)
        {
            if (statement is BsonDocument s && (!onlyWhenPresent || s.Contains("q"))) AndInto(s, "q", filter);
        }
    }

    private static void RestrictPipeline(BsonDocument command, BsonDocument filter)
    {
        if (!command.TryGetValue("pipeline", out var value) || value is not BsonArray pipeline) return;
        if (command.GetElement(0).Value.IsNumeric) throw Refused("aggregate", "a database-level aggregate has no collection to restrict");
        if (pipeline.Count > 0 && pipeline[0] is BsonDocument first && first.ElementCount > 0)
        {
            string stage = first.GetElement(0).Name;
            if (stage == "$geoNear" && first.GetElement(0).Value is BsonDocument geoNear)
            {
                AndInto(geoNear, "query", filter);
                return;
            }
            if (FirstOnlyStages.Contains(stage))
            {
                // A change stream reports deletes and updates without the document, so it cannot be filtered by it.
                throw Refused("aggregate", $"{stage} cannot be restricted to the user's outpostFilter");
            }
        }
        pipeline.Insert(0, new BsonDocument("$match", filter.DeepClone()));
    }

    private static MongoException Refused(string commandName, string why) =>
        new(ErrorCodes.Unauthorized, $"not authorized to execute command {{ {commandName}: ... }}: {why}");
}
