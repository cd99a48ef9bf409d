using Outpost.Bson;

namespace Outpost.Engine.Query;

/// <summary>Builds MongoDB's explain stage tree (PROJECTION/LIMIT/SKIP/SORT/FETCH/IXSCAN/COLLSCAN/IDHACK) for a plan.</summary>
internal static class ExplainShape
{
    public static BsonDocument WinningPlan(QueryPlan plan, FindOptions options, DocumentMatcher matcher)
    {
        BsonDocument stage;
        if (plan.IsIdHack)
        {
            stage = new BsonDocument("stage", "IDHACK");
        }
        else if (plan.Index is null)
        {
            stage = new BsonDocument("stage", "COLLSCAN");
            if (!matcher.MatchesAll) stage.Add("filter", matcher.Filter);
            stage.Add("direction", plan.Reverse ? "backward" : "forward");
        }
        else
        {
            var index = plan.Index;
            var ixscan = new BsonDocument
            {
                { "stage", "IXSCAN" }, { "keyPattern", index.KeyPattern }, { "indexName", index.Name }, { "isMultiKey", index.Multikey },
                { "isUnique", index.Unique || index.IsIdIndex }, { "isSparse", index.Sparse }, { "isPartial", index.PartialFilter is not null },
                { "indexVersion", 2 }, { "direction", plan.Reverse ? "backward" : "forward" }, { "indexBounds", plan.IndexBounds },
            };
            stage = new BsonDocument { { "stage", "FETCH" } };
            if (!matcher.MatchesAll) stage.Add("filter", matcher.Filter);
            stage.Add("inputStage", ixscan);
        }

        if (plan.Special is { } special) stage = special.Explain(stage);

        if (options.Sort is { ElementCount: > 0 } sort && !plan.ProvidesSort)
        {
            var sortStage = new BsonDocument { { "stage", "SORT" }, { "sortPattern", sort }, { "memLimit", 104857600 }, { "type", "simple" } };
            if (options.Limit != 0) sortStage.Add("limitAmount", Math.Abs(options.Limit) + options.Skip);
            sortStage.Add("inputStage", stage);
            stage = sortStage;
        }

        if (options.Skip > 0) stage = new BsonDocument { { "stage", "SKIP" }, { "skipAmount", options.Skip }, { "inputStage", stage } };
        if (options.Limit != 0) stage = new BsonDocument { { "stage", "LIMIT" }, { "limitAmount", Math.Abs(options.Limit) }, { "inputStage", stage } };
        if (options.Projection is { ElementCount: > 0 } projection)
            stage = new BsonDocument { { "stage", "PROJECTION_SIMPLE" }, { "transformBy", projection }, { "inputStage", stage } };
        return stage;
    }
}
