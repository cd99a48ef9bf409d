using Outpost.Bson;
using Outpost.Engine.Query;
using Outpost.Query;
using Outpost.Query.Pipeline;

namespace Outpost.Engine;

public sealed partial class OutpostEngine
{
    /// <summary>
    /// Runs an aggregation pipeline on a collection (or view, whose pipeline runs first). Leading $match and $sort
    /// stages become the find that feeds the pipeline, so the planner can use indexes for them. A pipeline ending in
    /// $out/$merge runs to completion here and returns an empty cursor.
    /// </summary>
    internal async Task<Cursor> RunPipelineAsync(Collection collection, BsonArray pipeline, AggregateOptions options, OperationContext context, CancellationToken cancellationToken)
    {
        if (collection.State is null) await Catalog.RefreshAsync(cancellationToken).ConfigureAwait(false);
        var source = collection;
        var stages = new List<BsonValue>(pipeline);
        for (var depth = 0; source.State is { IsView: true } view; depth++)
        {
            if (depth > 20) throw new MongoException(ErrorCodes.ViewDepthLimitExceeded, "View depth too deep or view cycle detected");
            if (view.Options.Pipeline is { } viewPipeline) stages.InsertRange(0, viewPipeline);
            source = collection.Database.GetCollectionUnchecked(view.Options.ViewOn!);
        }

        BsonDocument filter = [];
        BsonDocument? sort = null;
        var consumed = 0;
        while (consumed < stages.Count && stages[consumed] is BsonDocument { ElementCount: 1 } stage && stage.GetElement(0).Name == "$match"
               && stage.GetElement(0).Value is BsonDocument match && !ContainsNear(match))
        {
            filter = filter.ElementCount == 0 ? match : new BsonDocument("$and", new BsonArray { filter, match });
            consumed++;
        }

        if (consumed < stages.Count && stages[consumed] is BsonDocument { ElementCount: 1 } sortStage && sortStage.GetElement(0).Name == "$sort"
            && sortStage.GetElement(0).Value is BsonDocument sortSpec && IsPlainSort(sortSpec, HasText(filter)))
        {
            sort = sortSpec;
            consumed++;
        }

        var rest = new BsonArray();
        for (var i = consumed; i < stages.Count; i++) rest.Add(stages[i]);
        var collation = options.Collation is null ? null : Outpost.Query.Sorting.Collation.FromDocument(options.Collation);
        var queryContext = new QueryContext
        {
            Collation = collation,
            // let values are expressions ({ $literal: "$x" }, { $rand: {} }), evaluated once into constants.
            Variables = options.Let is null ? null : AggregationExpression.EvaluateVariables(options.Let, new QueryContext { Collation = collation, ClusterTime = ClusterTime }),
            AllowDiskUse = options.AllowDiskUse,
            ClusterTime = ClusterTime,
        };
        var host = new EnginePipelineHost(source, context, options.BypassDocumentValidation);
        var compiled = AggregationPipeline.Compile(rest, queryContext, host);

        IAsyncEnumerable<BsonDocument> input;
        if (collection.Name == "$cmd.aggregate")
        {
            input = EmptySequence();
        }
        else
        {
            var cursor = await source.FindAsync(new FindOptions { Filter = filter, Sort = sort, Hint = options.Hint, Collation = options.Collation, Let = options.Let, AllowDiskUse = options.AllowDiskUse, AttachMeta = HasText(filter) }, context, cancellationToken).ConfigureAwait(false);
            input = cursor;
        }

        var last = rest.Count > 0 ? rest[^1].AsDocument.GetElement(0).Name : null;
        if (last is "$out" or "$merge")
        {
            await foreach (var _ in compiled.ExecuteAsync(input, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                // $out/$merge produce no documents; draining runs the writes now, as the aggregate command does.
            }

            return new QueryCursor(collection.Namespace, EmptySequence());
        }

        var output = compiled.ExecuteAsync(input, CancellationToken.None);
        return new QueryCursor(collection.Namespace, HasText(filter) ? StripMeta(output) : output);
    }

    private static async IAsyncEnumerable<BsonDocument> EmptySequence()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }

    /// <summary>Numeric sort keys, or a textScore $meta key when the pushed-down filter has $text (the find scores it).</summary>
    private static bool IsPlainSort(BsonDocument sort, bool text)
    {
        foreach (var e in sort)
            if (!e.Value.IsNumeric && !(text && e.Value is BsonDocument { ElementCount: 1 } m && m.TryGetValue("$meta", out var name) && name is BsonString { Value: "textScore" })) return false;
        return true;
    }

    private static bool HasText(BsonDocument filter)
    {
        if (filter.Contains("$text")) return true;
        if (filter.TryGetValue("$and", out var and) && and is BsonArray parts)
            foreach (var part in parts)
                if (part is BsonDocument d && HasText(d)) return true;
        return false;
    }

    private static bool ContainsNear(BsonDocument match)
    {
        foreach (var e in match)
            if (e.Value is BsonDocument d && (d.Contains("$near") || d.Contains("$nearSphere"))) return true;
        return false;
    }

    /// <summary>Removes the hidden $meta.* fields the find attached for $meta expressions.</summary>
    private static async IAsyncEnumerable<BsonDocument> StripMeta(IAsyncEnumerable<BsonDocument> source)
    {
        await foreach (var doc in source.ConfigureAwait(false))
        {
            for (var i = doc.ElementCount - 1; i >= 0; i--)
                if (doc.GetElement(i).Name.StartsWith("$meta.", StringComparison.Ordinal)) doc.RemoveAt(i);
            yield return doc;
        }
    }
}
