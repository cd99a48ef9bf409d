using Outpost.Bson;
using Outpost.Query.Accumulators;
using Outpost.Query.Expressions;
using Outpost.Query.Pipeline.Stages;

namespace Outpost.Query.Pipeline;

/// <summary>Parses stage documents into <see cref="PipelineStage"/>s with MongoDB's validation and error codes.</summary>
internal static class StageCompiler
{
    /// <summary>Stages the library leaves to the host.</summary>
    private static readonly HashSet<string> HostStages =
    [
        "$out", "$merge", "$geoNear", "$changeStream", "$collStats", "$indexStats", "$currentOp", "$listSessions", "$listLocalSessions",
        "$planCacheStats", "$search", "$searchMeta", "$listSearchIndexes", "$changeStreamSplitLargeEvent", "$shardedDataDistribution",
    ];

    public static PipelineStage[] CompileAll(BsonArray stages, QueryContext context, IPipelineHost? host, bool nested)
    {
        var result = new List<PipelineStage>(stages.Count);
        for (int i = 0; i < stages.Count; i++)
        {
            if (stages[i] is not BsonDocument stageDoc || stageDoc.ElementCount != 1)
            {
                throw new MongoException(40323, "A pipeline stage specification object must contain exactly one field.");
            }

            var e = stageDoc.GetElement(0);
            if (e.Name is "$out" or "$merge" && i != stages.Count - 1)
            {
                throw new MongoException(40601, $"{e.Name} can only be the final stage in the pipeline");
            }

            if (e.Name is "$documents" or "$changeStream" or "$collStats" or "$indexStats" or "$currentOp" or "$geoNear" && i != 0 && e.Name != "$documents")
            {
                throw new MongoException(40602, $"{e.Name} is only valid as the first stage in a pipeline");
            }

            result.AddRange(Compile(e.Name, e.Value, context, host, nested));
        }

        // $sort immediately followed by $limit: the sort only needs the top k (the $limit stays, and is then a no-op).
        for (int i = 0; i + 1 < result.Count; i++)
        {
            if (result[i] is SortStage sort && result[i + 1] is LimitSkipStage { IsLimit: true } limit)
            {
                result[i] = sort.WithLimit(limit.Count);
            }
        }

        return [.. result];
    }

    private static IEnumerable<PipelineStage> Compile(string name, BsonValue spec, QueryContext context, IPipelineHost? host, bool nested)
    {
        switch (name)
        {
            case "$match":
                if (spec is not BsonDocument filter)
                {
                    throw new MongoException(15959, "the match filter must be an expression in an object");
                }

                return [new MatchStage(QueryFilter.Compile(filter, context))];
            case "$project":
                if (spec is not BsonDocument { ElementCount: > 0 } projection)
                {
                    throw new MongoException(spec is BsonDocument ? 51272 : 15969,
                        spec is BsonDocument ? "Invalid $project :: caused by :: projection specification must have at least one field" : "$project specification must be an object");
                }

                return [new ProjectStage("$project", ProjectionTree.Parse(projection, context, addFields: false), addFields: false)];
            case "$addFields" or "$set":
                if (spec is not BsonDocument add)
                {
                    throw new MongoException(40272, $"{name} specification stage must be an object, got {Values.TypeName(spec)}");
                }

                return [new ProjectStage(name, ProjectionTree.Parse(add, context, addFields: true), addFields: true)];
            case "$unset":
            {
                var fields = spec switch
                {
                    BsonString s => [s.Value],
                    BsonArray a when a.Count > 0 && a.All(x => x is BsonString) => a.Select(x => x.AsString).ToArray(),
                    _ => throw new MongoException(31002, "$unset specification must be a string or an array containing only string values"),
                };
                var doc = new BsonDocument();
                foreach (var f in fields)
                {
                    doc.Add(f, 0);
                }

                return [new ProjectStage("$unset", ProjectionTree.Parse(doc, context, addFields: false), addFields: false)];
            }

            case "$replaceRoot":
                if (spec is not BsonDocument rr || !rr.TryGetValue("newRoot", out var newRoot) || rr.ElementCount != 1)
                {
                    throw new MongoException(40231, "no newRoot specified for the $replaceRoot stage");
                }

                return [new ReplaceRootStage(name, AggregationExpression.Compile(newRoot, context))];
            case "$replaceWith":
                return [new ReplaceRootStage(name, AggregationExpression.Compile(spec, context))];
            case "$limit":
                if (!spec.IsNumeric || !Values.TryGetLong(spec, out long limit))
                {
                    throw new MongoException(15957, "the limit must be specified as a number");
                }

                if (limit <= 0)
                {
                    throw new MongoException(15958, "the limit must be positive");
                }

                return [new LimitSkipStage(isLimit: true, limit)];
            case "$skip":
                if (!spec.IsNumeric || !Values.TryGetLong(spec, out long skip))
                {
                    throw new MongoException(15972, "Argument to $skip must be a number");
                }

                if (skip < 0)
                {
                    throw new MongoException(15956, "Argument to $skip cannot be negative");
                }

                return [new LimitSkipStage(isLimit: false, skip)];
            case "$sort":
                if (spec is not BsonDocument)
                {
                    throw new MongoException(15973, "the $sort key specification must be an object");
                }

                SortKey.Parse(spec, "$sort"); // MongoDB's $sort validation codes (15973/15975/15976)
                return [new SortStage(Sorting.SortSpec.Compile((BsonDocument)spec, context.Collation))];
            case "$group":
                return [CompileGroup(spec, context)];
            case "$count":
            {
                if (spec is not BsonString { Value.Length: > 0 } cs)
                {
                    throw new MongoException(40156, "the count field must be a non-empty string");
                }

                if (cs.Value.StartsWith('$'))
                {
                    throw new MongoException(40158, "the count field cannot be a $-prefixed path");
                }

                if (cs.Value.Contains('.', StringComparison.Ordinal))
                {
                    throw new MongoException(40160, "the count field cannot contain '.'");
                }

                var ctx = new CompileContext(context);
                return
                [
                    new GroupStage("$count", new ConstantExpression(BsonNull.Value), [(cs.Value, AccumulatorSpec.Parse("$sum", 1, ctx))]),
                    new ProjectStage("$count", ProjectionTree.Parse(new BsonDocument("_id", 0), context, addFields: false), addFields: false),
                ];
            }

            case "$sortByCount":
            {
                if (spec is BsonString { Value: var s } && !s.StartsWith('$'))
                {
                    throw new MongoException(40148, "the sortByCount field must be defined as a $-prefixed path or an expression");
                }

                if (spec is not (BsonString or BsonDocument))
                {
                    throw new MongoException(40149, "the sortByCount field must be specified as a string or as an object");
                }

                var ctx = new CompileContext(context);
                return
                [
                    new GroupStage("$sortByCount", ExpressionCompiler.Compile(spec, ctx), [("count", AccumulatorSpec.Parse("$sum", 1, ctx))]),
                    new SortStage(SortKey.Parse(new BsonDocument("count", -1), "$sort")),
                ];
            }

            case "$bucket":
                return BucketStages.CompileBucket(spec, context);
            case "$bucketAuto":
                return [BucketStages.CompileBucketAuto(spec, context)];
            case "$unwind":
                return [CompileUnwind(spec)];
            case "$facet":
                return [CompileFacet(spec, context, host)];
            case "$lookup":
                return [CompileLookup(spec, context, host)];
            case "$graphLookup":
                return [CompileGraphLookup(spec, context)];
            case "$unionWith":
            {
                string? db = null;
                string coll;
                BsonArray? pipeline = null;
                if (spec is BsonString us)
                {
                    coll = us.Value;
                }
                else if (spec is BsonDocument ud && ud.TryGetValue("coll", out var c) && c is BsonString ucs)
                {
                    coll = ucs.Value;
                    if (ud.TryGetValue("pipeline", out var p))
                    {
                        pipeline = p as BsonArray ?? throw new MongoException(ErrorCodes.TypeMismatch, "$unionWith 'pipeline' must be an array");
                        CompileAll(pipeline, context, host, nested: true);
                    }

                    if (ud.TryGetValue("db", out var dbv))
                    {
                        db = dbv.AsString;
                    }
                }
                else
                {
                    throw new MongoException(ErrorCodes.FailedToParse, "the $unionWith stage specification must be an object or string, and an object must have a 'coll' field");
                }

                return [new UnionWithStage(db, coll, pipeline)];
            }

            case "$redact":
                return [new RedactStage(AggregationExpression.Compile(spec, context))];
            case "$sample":
            {
                if (spec is not BsonDocument sd || !sd.TryGetValue("size", out var size) || sd.ElementCount != 1)
                {
                    throw new MongoException(28749, "$sample stage must specify a size");
                }

                if (!size.IsNumeric)
                {
                    throw new MongoException(28746, "size argument to $sample must be a number");
                }

                if (size.ToDouble() < 0)
                {
                    throw new MongoException(28747, "size argument to $sample must not be negative");
                }

                return [new SampleStage(size.ToInt64())];
            }

            case "$documents":
                return [new DocumentsStage(AggregationExpression.Compile(spec, context))];
            case "$setWindowFields":
                return [WindowStage.Compile(spec, context)];
            case "$densify":
                return [DensifyStage.Compile(spec)];
            case "$fill":
                return FillStage.Compile(spec, context);
        }

        if (HostStages.Contains(name) || (host?.SupportsStage(name) ?? false))
        {
            if (host is null || !host.SupportsStage(name))
            {
                throw new MongoException(ErrorCodes.IllegalOperation, $"{name} needs a database to run in");
            }

            if (nested && name is "$out" or "$merge")
            {
                throw new MongoException(51047, $"{name} is not allowed within a $lookup or $facet pipeline");
            }

            return [new HostStage(name, spec)];
        }

        throw new MongoException(40324, $"Unrecognized pipeline stage name: '{name}'");
    }

    private static GroupStage CompileGroup(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(15947, "a group's fields must be specified in an object");
        }

        var ctx = new CompileContext(context);
        AggregationExpression? key = null;
        var accumulators = new List<(string, AccumulatorSpec)>();
        foreach (var e in doc)
        {
            if (e.Name == "_id")
            {
                key = ExpressionCompiler.Compile(e.Value, ctx);
                continue;
            }

            if (e.Name.Contains('.', StringComparison.Ordinal))
            {
                throw new MongoException(40235, $"The field name '{e.Name}' cannot contain '.'");
            }

            if (e.Name.StartsWith('$'))
            {
                throw new MongoException(40236, $"The field name '{e.Name}' cannot be an operator name");
            }

            if (e.Value is not BsonDocument acc || acc.ElementCount != 1)
            {
                throw new MongoException(40234, $"The field '{e.Name}' must be an accumulator object");
            }

            var ae = acc.GetElement(0);
            accumulators.Add((e.Name, AccumulatorSpec.Parse(ae.Name, ae.Value, ctx)));
        }

        if (key is null)
        {
            throw new MongoException(15955, "a group specification must include an _id");
        }

        return new GroupStage("$group", key, accumulators);
    }

    private static UnwindStage CompileUnwind(BsonValue spec)
    {
        string path;
        string? index = null;
        bool preserve = false;
        switch (spec)
        {
            case BsonString s:
                path = s.Value;
                break;
            case BsonDocument d:
                if (!d.TryGetValue("path", out var p))
                {
                    throw new MongoException(28812, "no path specified to $unwind stage");
                }

                path = p is BsonString ps ? ps.Value : throw new MongoException(28808, "expected a string as the path for $unwind stage, got " + Values.TypeName(p));
                foreach (var e in d)
                {
                    switch (e.Name)
                    {
                        case "path":
                            break;
                        case "includeArrayIndex":
                            index = e.Value is BsonString { Value.Length: > 0 } i && !i.Value.StartsWith('$') ? i.Value
                                : throw new MongoException(28810, "expected a non-empty string for the includeArrayIndex option to $unwind stage");
                            break;
                        case "preserveNullAndEmptyArrays":
                            preserve = e.Value is BsonBoolean b ? b.Value
                                : throw new MongoException(28809, "expected a boolean for the preserveNullAndEmptyArrays option to $unwind stage");
                            break;
                        default:
                            throw new MongoException(28811, $"unrecognized option to $unwind stage: {e.Name}");
                    }
                }

                break;
            default:
                throw new MongoException(15981, $"expected either a string or an object as specification for $unwind stage, got {Values.TypeName(spec)}");
        }

        if (!path.StartsWith('$') || path.Length == 1)
        {
            throw new MongoException(28818, $"path option to $unwind stage should be prefixed with a '$': {path}");
        }

        return new UnwindStage(ExpressionCompiler.SplitPath(path[1..]), index, preserve);
    }

    private static FacetStage CompileFacet(BsonValue spec, QueryContext context, IPipelineHost? host)
    {
        if (spec is not BsonDocument { ElementCount: > 0 } doc)
        {
            throw new MongoException(40169, "the $facet specification must be a non-empty object");
        }

        var facets = new List<(string, PipelineStage[])>();
        foreach (var e in doc)
        {
            if (e.Value is not BsonArray pipeline)
            {
                throw new MongoException(40170, $"arguments to $facet must be arrays, {e.Name} is type {Values.TypeName(e.Value)}");
            }

            foreach (var s in pipeline)
            {
                if (s is BsonDocument { ElementCount: 1 } sd && sd.GetElement(0).Name is "$out" or "$merge" or "$facet" or "$changeStream" or "$collStats" or "$indexStats" or "$geoNear")
                {
                    throw new MongoException(40600, $"{sd.GetElement(0).Name} is not allowed to be used within a $facet stage");
                }
            }

            facets.Add((e.Name, CompileAll(pipeline, context, host, nested: true)));
        }

        return new FacetStage(facets);
    }

    private static (string? Db, string Coll) ParseFrom(BsonValue from, string stage)
    {
        return from switch
        {
            BsonString s => (null, s.Value),
            BsonDocument d when d.TryGetValue("coll", out var c) && c is BsonString cs => (d.TryGetValue("db", out var db) ? db.AsString : null, cs.Value),
            _ => throw new MongoException(ErrorCodes.FailedToParse, $"{stage} 'from' field must be a string or an object with 'db' and 'coll'"),
        };
    }

    private static LookupStage CompileLookup(BsonValue spec, QueryContext context, IPipelineHost? host)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "the $lookup specification must be an Object");
        }

        string? db = null, coll = null, asField = null;
        string[]? local = null, foreign = null;
        BsonArray? pipeline = null;
        BsonDocument? letSpec = null;
        foreach (var e in doc)
        {
            switch (e.Name)
            {
                case "from":
                    (db, coll) = ParseFrom(e.Value, "$lookup");
                    break;
                case "as":
                    asField = e.Value is BsonString a ? a.Value : throw new MongoException(ErrorCodes.FailedToParse, "$lookup argument 'as' must be a string");
                    break;
                case "localField":
                    local = e.Value is BsonString l ? l.Value.Split('.') : throw new MongoException(ErrorCodes.FailedToParse, "$lookup argument 'localField' must be a string");
                    break;
                case "foreignField":
                    foreign = e.Value is BsonString f ? f.Value.Split('.') : throw new MongoException(ErrorCodes.FailedToParse, "$lookup argument 'foreignField' must be a string");
                    break;
                case "pipeline":
                    pipeline = e.Value as BsonArray ?? throw new MongoException(ErrorCodes.FailedToParse, "$lookup argument 'pipeline' must be an array");
                    break;
                case "let":
                    letSpec = e.Value as BsonDocument ?? throw new MongoException(ErrorCodes.FailedToParse, "$lookup argument 'let' must be an object");
                    break;
                default:
                    throw new MongoException(ErrorCodes.FailedToParse, $"unknown argument to $lookup: {e.Name}");
            }
        }

        if (asField is null)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "must specify 'as' field for a $lookup");
        }

        if (pipeline is null && (local is null || foreign is null))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified");
        }

        if ((local is null) != (foreign is null))
        {
            throw new MongoException(ErrorCodes.FailedToParse, "$lookup requires both or neither of 'localField' and 'foreignField' to be specified");
        }

        if (coll is null)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "must specify 'from' field for a $lookup");
        }

        var ctx = new CompileContext(context);
        var let = new List<(string, AggregationExpression)>();
        if (letSpec is not null)
        {
            foreach (var e in letSpec)
            {
                ExpressionCompiler.ValidateVariableName(e.Name);
                let.Add((e.Name, ExpressionCompiler.Compile(e.Value, ctx)));
            }
        }

        if (pipeline is not null)
        {
            // Validate the sub-pipeline now (with the let names defined) so errors surface at compile time.
            var vars = context.Variables is { } v ? new BsonDocument(v) : [];
            foreach (var (n, _) in let)
            {
                vars.Set(n, BsonNull.Value);
            }

            CompileAll(pipeline, LookupStage.WithVariables(context, vars), host, nested: true);
        }

        return new LookupStage(db, coll, local, foreign, asField, let, pipeline);
    }

    private static GraphLookupStage CompileGraphLookup(BsonValue spec, QueryContext context)
    {
        if (spec is not BsonDocument doc)
        {
            throw new MongoException(ErrorCodes.FailedToParse, "the $graphLookup specification must be an Object");
        }

        string? db = null, coll = null, asField = null, depthField = null;
        string[]? from = null, to = null;
        AggregationExpression? start = null;
        long? maxDepth = null;
        QueryFilter? restrict = null;
        foreach (var e in doc)
        {
            switch (e.Name)
            {
                case "from": (db, coll) = ParseFrom(e.Value, "$graphLookup"); break;
                case "as": asField = e.Value.AsString; break;
                case "connectFromField": from = e.Value.AsString.Split('.'); break;
                case "connectToField": to = e.Value.AsString.Split('.'); break;
                case "startWith": start = AggregationExpression.Compile(e.Value, context); break;
                case "depthField": depthField = e.Value.AsString; break;
                case "maxDepth":
                    if (!Values.TryGetLong(e.Value, out long md) || md < 0)
                    {
                        throw new MongoException(40101, "maxDepth requires a nonnegative argument");
                    }

                    maxDepth = md;
                    break;
                case "restrictSearchWithMatch":
                    restrict = QueryFilter.Compile(e.Value as BsonDocument ?? throw new MongoException(40185, "restrictSearchWithMatch must be an object"), context);
                    break;
                default:
                    throw new MongoException(40104, $"Unknown argument to $graphLookup: {e.Name}");
            }
        }

        if (coll is null || asField is null || from is null || to is null || start is null)
        {
            throw new MongoException(40105, "from, as, connectFromField, connectToField, and startWith must all be specified");
        }

        return new GraphLookupStage(db, coll, start, from, to, asField, maxDepth, depthField, restrict);
    }
}
